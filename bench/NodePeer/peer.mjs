// The Node peer: a Gemini Live voice bot on the stack the strongest Node bots use (@discordjs/voice 0.19.2 with
// @snazzah/davey for DAVE, @google/genai for Gemini Live, Opus through whatever prism-media finds), written the
// way such a bot is written, so the load harness can measure it beside ours in the same emulated calls.
//
// Per conversation it does what ours does: joins the call (DAVE when PEER_DAVE=1), decodes each speaker's Opus,
// downmixes and resamples 48 kHz stereo to 16 kHz mono, sends each 20 ms to Gemini as realtimeInput, ends the
// audio stream after 120 ms without packets (our uplink gate's idle rule, so both bots end turns alike), and plays
// the 24 kHz replies resampled to 48 kHz stereo through an AudioPlayer, stopping it on `interrupted`.
//
// There is no Discord gateway here: like tests/Interop/node/voice-peer.mjs, the voice adapter (voice-adapter.mjs)
// answers the op 4 request itself with the voice state and server updates the harness handed over (endpoint, token,
// session id), which is what discord.js would pass on from the real gateway. The voice connection itself is the
// library's own.
//
// Protocol (one line each way): stdin "join <index> <endpoint> <guildId> <userId> <sessionId> <token>",
// "mark" (the measuring window opens: the event loop delay histogram starts over), "stats", "leave". stdout JSON lines: started (with the Opus binding), joined / failed (per index), stats.
// Environment: PEER_GEMINI_URL (the emulator's base URL), PEER_GEMINI_KEY, PEER_DAVE=1, PEER_JOIN_PARALLELISM.
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import {
  AudioPlayerStatus, EndBehaviorType, NoSubscriberBehavior, StreamType, VoiceConnectionStatus,
  createAudioPlayer, createAudioResource, entersState, joinVoiceChannel,
} from '@discordjs/voice';
import { GoogleGenAI, Modality } from '@google/genai';
import { emulatedVoiceAdapter } from './voice-adapter.mjs';

const require = createRequire(import.meta.url);
const geminiUrl = process.env.PEER_GEMINI_URL;
if (!geminiUrl) {
  process.stderr.write('PEER_GEMINI_URL is required\n');
  process.exit(2);
}
const dave = process.env.PEER_DAVE === '1';
const joinParallelism = Number(process.env.PEER_JOIN_PARALLELISM ?? '8');
const idleEndMs = 120;
const model = 'gemini-3.8-live';

// prism-media (the AudioPlayer's encoder) tries @discordjs/opus first and falls back to opusscript; the decoder
// here makes the same choice, so one binding does all the Opus work and the report can name it.
function loadOpus() {
  try {
    const { OpusEncoder } = require('@discordjs/opus');
    return { binding: '@discordjs/opus', decoder: () => new OpusEncoder(48000, 2) };
  } catch {
    const OpusScript = require('opusscript');
    return { binding: 'opusscript', decoder: () => new OpusScript(48000, 2, OpusScript.Application.AUDIO) };
  }
}
const opus = loadOpus();

const say = (event, extra = {}) => process.stdout.write(`${JSON.stringify({ event, ...extra })}\n`);
let errorsLogged = 0;
const logError = (where, e) => {
  totals.errors++;
  if (errorsLogged++ < 20) process.stderr.write(`node peer: ${where}: ${e?.message ?? e}\n`);
};

const totals = {
  framesToGemini: 0, streamEnds: 0, modelAudioMessages: 0, turns: 0, interruptions: 0, repliesStarted: 0,
  decodeErrors: 0, errors: 0, geminiCloses: 0,
};

const ai = new GoogleGenAI({ apiKey: process.env.PEER_GEMINI_KEY ?? 'emulator-key', httpOptions: { baseUrl: geminiUrl } });
const geminiConfig = {
  responseModalities: [Modality.AUDIO],
  speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
  systemInstruction: 'Echo persona',
  inputAudioTranscription: {},
  outputAudioTranscription: {},
  sessionResumption: {},
  contextWindowCompression: { slidingWindow: {} },
};

// 20 ms of 48 kHz interleaved stereo s16le in, 20 ms of 16 kHz mono s16le out (a 3-tap box filter: average each
// three frames of both channels, the cheap decimation Node bots use).
function downsample48kStereoTo16kMono(pcm) {
  const aligned = pcm.byteOffset % 2 === 0 ? pcm : Buffer.from(pcm);
  const input = new Int16Array(aligned.buffer, aligned.byteOffset, aligned.length >> 1);
  const frames = input.length >> 1;
  const out = new Int16Array(Math.floor(frames / 3));
  for (let j = 0, i = 0; j < out.length; j++, i += 6) {
    out[j] = (input[i] + input[i + 1] + input[i + 2] + input[i + 3] + input[i + 4] + input[i + 5]) / 6;
  }
  return Buffer.from(out.buffer);
}

class Conversation {
  constructor(index, credentials) {
    this.index = index;
    this.credentials = credentials;
    this.decoders = new Map();
    this.speakers = new Set();
    this.reply = null;
    this.lastReplySample = 0;
    this.streaming = false;
    this.idle = null;
    this.session = null;
    this.connection = null;
    this.player = null;
  }

  async start() {
    const { guildId, userId, sessionId, token, endpoint } = this.credentials;
    // The emulator's default voice channel of a guild is guild id + 1 (also the DAVE group id).
    const channelId = (BigInt(guildId) + 1n).toString();
    const adapterCreator = emulatedVoiceAdapter({ guildId, channelId, userId, sessionId, token, endpoint });

    this.session = await ai.live.connect({
      model,
      config: geminiConfig,
      callbacks: {
        onmessage: (message) => this.onModelMessage(message),
        onerror: (e) => logError(`gemini ${this.index}`, e),
        onclose: () => { totals.geminiCloses++; },
      },
    });

    this.connection = joinVoiceChannel({
      guildId, channelId, selfDeaf: false, selfMute: false, daveEncryption: dave, adapterCreator,
    });
    this.connection.on('error', (e) => logError(`voice ${this.index}`, e));
    await entersState(this.connection, VoiceConnectionStatus.Ready, 30_000);

    this.player = createAudioPlayer({ behaviors: { noSubscriber: NoSubscriberBehavior.Play, maxMissedFrames: 50 } });
    this.player.on('error', (e) => logError(`player ${this.index}`, e));
    this.player.on('stateChange', (_, next) => {
      if (next.status === AudioPlayerStatus.Idle && this.reply) {
        this.reply.destroy();
        this.reply = null;
      }
    });
    this.connection.subscribe(this.player);

    this.connection.receiver.speaking.on('start', (speaker) => this.listen(speaker));
  }

  listen(speaker) {
    if (speaker === this.credentials.userId || this.speakers.has(speaker)) return;
    this.speakers.add(speaker);
    const decoder = opus.decoder();
    const stream = this.connection.receiver.subscribe(speaker, { end: { behavior: EndBehaviorType.Manual } });
    stream.on('data', (packet) => this.onSpeakerPacket(decoder, packet));
    stream.on('error', (e) => logError(`receive ${this.index}`, e));
  }

  onSpeakerPacket(decoder, packet) {
    let pcm;
    try {
      pcm = decoder.decode(packet);
    } catch {
      totals.decodeErrors++;
      return;
    }
    const audio = downsample48kStereoTo16kMono(pcm);
    this.session.sendRealtimeInput({ audio: { data: audio.toString('base64'), mimeType: 'audio/pcm;rate=16000' } });
    totals.framesToGemini++;
    this.streaming = true;
    if (this.idle) this.idle.refresh();
    else this.idle = setTimeout(() => this.onIdle(), idleEndMs);
  }

  onIdle() {
    this.idle = null;
    if (!this.streaming) return;
    this.streaming = false;
    this.session.sendRealtimeInput({ audioStreamEnd: true });
    totals.streamEnds++;
  }

  onModelMessage(message) {
    const content = message.serverContent;
    if (!content) return;
    if (content.interrupted) {
      totals.interruptions++;
      this.player.stop(true);
      if (this.reply) {
        this.reply.destroy();
        this.reply = null;
      }
    }
    for (const part of content.modelTurn?.parts ?? []) {
      if (part.inlineData?.data) this.play(Buffer.from(part.inlineData.data, 'base64'));
    }
    if (content.turnComplete) {
      totals.turns++;
      if (this.reply) {
        this.reply.end();
        this.reply = null;
      }
    }
  }

  // 24 kHz mono s16le from Gemini, written to the current reply's raw 48 kHz stereo stream (linear interpolation).
  play(pcm24k) {
    totals.modelAudioMessages++;
    const aligned = pcm24k.byteOffset % 2 === 0 ? pcm24k : Buffer.from(pcm24k);
    const input = new Int16Array(aligned.buffer, aligned.byteOffset, aligned.length >> 1);
    const out = new Int16Array(input.length * 4);
    let previous = this.lastReplySample;
    for (let i = 0, o = 0; i < input.length; i++, o += 4) {
      const mid = (previous + input[i]) >> 1;
      out[o] = mid;
      out[o + 1] = mid;
      out[o + 2] = input[i];
      out[o + 3] = input[i];
      previous = input[i];
    }
    this.lastReplySample = previous;
    if (!this.reply) {
      this.reply = new PassThrough({ highWaterMark: 1 << 20 });
      this.player.play(createAudioResource(this.reply, { inputType: StreamType.Raw }));
      totals.repliesStarted++;
    }
    this.reply.write(Buffer.from(out.buffer));
  }

  decryptFailures() {
    const session = this.connection?.state.networking?.state?.dave?.session;
    if (!session) return 0;
    let failures = 0;
    for (const speaker of this.speakers) failures += session.getDecryptionStats(speaker)?.failures ?? 0;
    return failures;
  }

  close() {
    clearTimeout(this.idle);
    try { this.player?.stop(true); } catch (e) { logError('close', e); }
    try { this.session?.close(); } catch (e) { logError('close', e); }
    try { if (this.connection && this.connection.state.status !== VoiceConnectionStatus.Destroyed) this.connection.destroy(); } catch (e) { logError('close', e); }
  }
}

// How late the event loop runs: everything here (the audio player's 20 ms cycle included) waits on it.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const conversations = [];
const pending = [];
let joining = 0;

function pump() {
  while (joining < joinParallelism && pending.length > 0) {
    const conversation = pending.shift();
    joining++;
    conversation.start()
      .then(() => { conversations.push(conversation); say('joined', { index: conversation.index }); })
      .catch((e) => { say('failed', { index: conversation.index, message: String(e?.message ?? e) }); conversation.close(); })
      .finally(() => { joining--; pump(); });
  }
}

function leave() {
  for (const conversation of conversations) conversation.close();
  setTimeout(() => process.exit(0), 300);
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const parts = line.trim().split(' ');
  if (parts[0] === 'join' && parts.length === 7) {
    const [, index, endpoint, guildId, userId, sessionId, token] = parts;
    pending.push(new Conversation(Number(index), { endpoint, guildId, userId, sessionId, token }));
    pump();
  } else if (parts[0] === 'stats') {
    const memory = process.memoryUsage();
    let decryptFailures = 0;
    for (const conversation of conversations) decryptFailures += conversation.decryptFailures();
    // Where each conversation stands, to tell a starved process from a stuck connection.
    const voiceStates = {};
    const playerStates = {};
    let daveReady = 0;
    for (const conversation of conversations) {
      const voice = conversation.connection.state.status;
      voiceStates[voice] = (voiceStates[voice] ?? 0) + 1;
      const player = conversation.player.state.status;
      playerStates[player] = (playerStates[player] ?? 0) + 1;
      if (conversation.connection.state.networking?.state?.dave?.session?.ready) daveReady++;
    }
    say('stats', {
      ...totals, decryptFailures, conversations: conversations.length, voiceStates, playerStates, daveReady,
      eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6, eventLoopDelayMaxMs: loopDelay.max / 1e6,
      rss: memory.rss, heapUsed: memory.heapUsed,
    });
  } else if (parts[0] === 'mark') {
    loopDelay.reset();
  } else if (parts[0] === 'leave') {
    leave();
  }
});
// The harness went away: leave the calls rather than linger.
input.on('close', leave);

say('started', { opus: opus.binding, node: process.version });
