// An independent voice client for the interop tests: @discordjs/voice 0.19.2 + opusscript joins the emulated
// voice server (no real Discord gateway: the adapter answers op 4 with the voice state/server updates itself),
// plays a chirp as Opus when told to, and records what one peer says as raw PCM (48 kHz mono s16le).
// stdin commands, one a line: "join" (with VOICE_JOIN_ON_COMMAND=1), "play [seconds]" (again and again), "dump <file>" (write what was heard since the last dump,
// then start over), "leave" (disconnect cleanly, as a user leaving the call), "finish" (write VOICE_OUT_FILE, exit).
// Status goes to stdout as JSON lines; "transitioned" carries davey's epoch, privacy code and group members.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  joinVoiceChannel, entersState, VoiceConnectionStatus, EndBehaviorType,
} from '@discordjs/voice';
import OpusScript from 'opusscript';
// The load harness's peer bot answers op 4 the same way; the module imports no package, so it loads from there.
import { emulatedVoiceAdapter } from '../../../bench/NodePeer/voice-adapter.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`missing ${name}`);
  return value;
};
const guildId = env('VOICE_GUILD_ID');
const channelId = env('VOICE_CHANNEL_ID');
const userId = env('VOICE_USER_ID');
const sessionId = env('VOICE_SESSION_ID');
const token = env('VOICE_TOKEN');
const endpoint = env('VOICE_ENDPOINT');
const listenTo = env('VOICE_LISTEN_TO');
const outFile = process.env.VOICE_OUT_FILE;
const chirpSeconds = Number(process.env.VOICE_CHIRP_SECONDS ?? '1');
const deadlineMs = Number(process.env.VOICE_DEADLINE_MS ?? '25000');

const say = (event, extra = {}) => process.stdout.write(`${JSON.stringify({ event, ...extra })}\n`);

const adapterCreator = emulatedVoiceAdapter({ guildId, channelId, userId, sessionId, token, endpoint });

// Commands run one after another, in the order they came, once the connection is ready ("join" excepted).
let signalJoin;
const joinRequested = new Promise((resolve) => { signalJoin = resolve; });
let signalReady;
let queue = new Promise((resolve) => { signalReady = resolve; });
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const text = line.trim();
  const space = text.indexOf(' ');
  const command = space < 0 ? text : text.slice(0, space);
  const argument = space < 0 ? '' : text.slice(space + 1);
  if (command === 'join') {
    signalJoin();
    return;
  }
  queue = queue.then(() => run(command, argument)).catch((e) => say('error', { message: `${command}: ${e}` }));
});

// VOICE_JOIN_ON_COMMAND=1: the process starts (node and modules loaded) and joins only on "join", so a test can time it.
if (process.env.VOICE_JOIN_ON_COMMAND === '1') {
  // Nobody left to say "join" (the test runner died): leave instead of waiting for ever.
  input.on('close', () => process.exit(0));
  say('started');
  await joinRequested;
}

const connection = joinVoiceChannel({
  guildId, channelId, group: `interop-${userId}`, selfDeaf: false, selfMute: false,
  // VOICE_DAVE=1: identify with max_dave_protocol_version 1 (davey does the MLS group and frame E2EE).
  daveEncryption: process.env.VOICE_DAVE === '1',
  adapterCreator,
  debug: process.env.VOICE_DEBUG === '1',
});
if (process.env.VOICE_DEBUG === '1') connection.on('debug', (m) => process.stderr.write(`${m}\n`));
connection.on('error', (e) => say('error', { message: String(e) }));
connection.on('transitioned', (transitionId) => {
  // davey moves to the new epoch when it processes the commit/welcome; by op 22 (this event) it is the call's epoch.
  const dave = connection.state.networking?.state?.dave?.session;
  say('transitioned', {
    transitionId,
    epoch: dave?.epoch == null ? null : Number(dave.epoch),
    privacyCode: connection.voicePrivacyCode ?? null,
    members: dave?.ready ? dave.getUserIds() : [],
  });
});

const codec = new OpusScript(48000, 2, OpusScript.Application.AUDIO);
const decoder = new OpusScript(48000, 2, OpusScript.Application.AUDIO);
const heard = [];
let heardSamples = 0;
let finished = false;

function takeHeard() {
  const pcm = Buffer.alloc(heardSamples * 2);
  let offset = 0;
  for (const chunk of heard) {
    for (let i = 0; i < chunk.length; i += 2) {
      pcm.writeInt16LE((chunk[i] + chunk[i + 1]) >> 1, offset);
      offset += 2;
    }
  }
  heard.length = 0;
  heardSamples = 0;
  return pcm;
}

function finish(reason) {
  if (finished) return;
  finished = true;
  const samples = heardSamples;
  const pcm = takeHeard();
  if (outFile) writeFileSync(outFile, pcm);
  say('done', { reason, heardSamples: samples });
  if (connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
  setTimeout(() => process.exit(0), 200);
}

setTimeout(() => finish('deadline'), deadlineMs);

try {
  await entersState(connection, VoiceConnectionStatus.Ready, 15000);
} catch (e) {
  say('error', { message: `not ready: ${e}` });
  process.exit(2);
}
say('ready');

const stream = connection.receiver.subscribe(listenTo, { end: { behavior: EndBehaviorType.Manual } });
stream.on('data', (packet) => {
  try {
    const decoded = decoder.decode(packet);
    const samples = new Int16Array(decoded.buffer, decoded.byteOffset, decoded.length / 2);
    heard.push(Int16Array.from(samples));
    heardSamples += samples.length / 2;
  } catch (e) {
    say('decode-error', { message: String(e) });
  }
});

function chirpFrames(seconds) {
  const rate = 48000;
  const total = Math.floor(rate * seconds);
  const k = (3000 - 300) / seconds;
  const frames = [];
  for (let start = 0; start < total; start += 960) {
    const pcm = Buffer.alloc(960 * 4);
    for (let i = 0; i < 960; i++) {
      const n = start + i;
      let v = 0;
      if (n < total) {
        const t = n / rate;
        const fade = Math.min(1, Math.min(t, seconds - t) / 0.02);
        v = Math.round(0.5 * fade * 32767 * Math.sin(2 * Math.PI * (300 * t + (k * t * t) / 2)));
      }
      pcm.writeInt16LE(v, i * 4);
      pcm.writeInt16LE(v, i * 4 + 2);
    }
    frames.push(codec.encode(pcm, 960));
  }
  return frames;
}

async function play(seconds) {
  const frames = chirpFrames(seconds);
  const silence = Buffer.from([0xf8, 0xff, 0xfe]);
  const all = [...frames, silence, silence, silence, silence, silence];
  const start = performance.now();
  for (let i = 0; i < all.length; i++) {
    connection.playOpusPacket(all[i]);
    const wait = start + (i + 1) * 20 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  say('played', { frames: frames.length });
}

async function run(command, argument) {
  if (command === 'play') await play(argument ? Number(argument) : chirpSeconds);
  else if (command === 'dump') {
    const samples = heardSamples;
    writeFileSync(argument, takeHeard());
    // davey's own count of frames from that user it decrypted or failed to (null without DAVE).
    const stats = connection.state.networking?.state?.dave?.session?.getDecryptionStats(listenTo) ?? null;
    say('dumped', { file: argument, samples, decryption: stats && { successes: stats.successes, failures: stats.failures } });
  } else if (command === 'leave') {
    finished = true;
    connection.destroy();
    say('left');
    setTimeout(() => process.exit(0), 200);
  } else if (command === 'finish') finish('asked');
}

signalReady();
