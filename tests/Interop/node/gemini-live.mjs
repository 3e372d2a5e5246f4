// Drives the Chorus Gemini Live emulator with Google's own SDK (@google/genai live API).
// Usage: node gemini-live.mjs <port> <apiKey>
// Prints one JSON line with what the SDK saw; exits non-zero on any failure.
import { GoogleGenAI, Modality } from '@google/genai';

const [port, apiKey] = process.argv.slice(2);
if (!port || !apiKey) {
  console.error('usage: node gemini-live.mjs <port> <apiKey>');
  process.exit(2);
}

const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `http://127.0.0.1:${port}` } });
const model = 'gemini-3.8-live';
const config = {
  responseModalities: [Modality.AUDIO],
  speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
  systemInstruction: 'You are the interop test.',
  inputAudioTranscription: {},
  outputAudioTranscription: {},
  sessionResumption: {},
  contextWindowCompression: { slidingWindow: {} },
};

function speechChunk(loud) {
  // 20 ms of 16 kHz PCM16: a square wave when loud, zeros otherwise.
  const pcm = Buffer.alloc(640);
  if (loud) {
    for (let i = 0; i < 320; i++) pcm.writeInt16LE(Math.floor(i / 8) % 2 === 0 ? 6000 : -6000, i * 2);
  }
  return pcm.toString('base64');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function converse(handle) {
  const seen = {
    audioBytes: 0, inputTranscripts: [], outputTranscripts: [], handles: [], nonResumable: 0,
    generationComplete: false, turnComplete: false, usageTotal: null, closeCode: null,
  };
  let turnDone;
  const turnComplete = new Promise((resolve) => { turnDone = resolve; });
  let closeDone;
  const closed = new Promise((resolve) => { closeDone = resolve; });
  const session = await ai.live.connect({
    model,
    config: handle ? { ...config, sessionResumption: { handle } } : config,
    callbacks: {
      onmessage: (message) => {
        if (message.data) seen.audioBytes += Buffer.from(message.data, 'base64').length;
        const content = message.serverContent;
        if (content?.inputTranscription?.text) seen.inputTranscripts.push(content.inputTranscription.text);
        if (content?.outputTranscription?.text) seen.outputTranscripts.push(content.outputTranscription.text);
        if (content?.generationComplete) seen.generationComplete = true;
        if (message.usageMetadata) seen.usageTotal = message.usageMetadata.totalTokenCount;
        const update = message.sessionResumptionUpdate;
        if (update) {
          if (update.resumable && update.newHandle) seen.handles.push(update.newHandle);
          else seen.nonResumable++;
        }
        if (content?.turnComplete) {
          seen.turnComplete = true;
          turnDone();
        }
      },
      onerror: (e) => console.error('sdk error', e?.message),
      onclose: (e) => { seen.closeCode = e?.code ?? null; closeDone(); },
    },
  });
  seen.setupComplete = Boolean(session.setupComplete);

  for (let i = 0; i < 15; i++) {
    session.sendRealtimeInput({ audio: { data: speechChunk(true), mimeType: 'audio/pcm;rate=16000' } });
    await sleep(20);
  }
  for (let i = 0; i < 10; i++) {
    session.sendRealtimeInput({ audio: { data: speechChunk(false), mimeType: 'audio/pcm;rate=16000' } });
    await sleep(20);
  }
  session.sendRealtimeInput({ audioStreamEnd: true });

  const timeout = sleep(15000).then(() => { throw new Error('no turnComplete within 15 s'); });
  await Promise.race([turnComplete, timeout]);
  // The handle that follows turnComplete arrives in the next message.
  for (let i = 0; i < 50 && seen.handles.length < 2; i++) await sleep(20);
  // The service refuses (1011) a resume while an earlier socket of the session is open: close, then resume.
  session.close();
  await Promise.race([closed, sleep(5000).then(() => { throw new Error('no close within 5 s'); })]);
  return seen;
}

try {
  const first = await converse(null);
  const lastHandle = first.handles[first.handles.length - 1];
  if (!lastHandle) throw new Error('no resumable handle received');
  const resumed = await converse(lastHandle);
  let badKeyError = null;
  try {
    const rejected = await new GoogleGenAI({ apiKey: 'not-the-key', httpOptions: { baseUrl: `http://127.0.0.1:${port}` } })
      .live.connect({ model, config, callbacks: { onmessage: () => {} } });
    rejected.close();
  } catch (e) {
    badKeyError = String(e?.message ?? e);
  }
  console.log(JSON.stringify({ first, resumed, resumedWith: lastHandle, badKeyError }));
  process.exit(0);
} catch (e) {
  console.error(`interop failure: ${e?.stack ?? e}`);
  process.exit(1);
}
