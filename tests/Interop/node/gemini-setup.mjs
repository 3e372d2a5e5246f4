// Sets up Live sessions against the Chorus Gemini emulator with Google's own SDK (@google/genai live.connect),
// once per model with the richest config that model takes, then with configs the real service refuses.
// Usage: node gemini-setup.mjs <port> <apiKey> <model>...
// Prints one JSON line: { genaiVersion, accepted: {model: {ok, error}}, refused: {case: {ok, error}} }.
import { readFileSync } from 'node:fs';
import { GoogleGenAI, Modality, ActivityHandling, StartSensitivity, EndSensitivity, TurnCoverage, MediaResolution,
  HarmCategory, HarmBlockThreshold, ThinkingLevel } from '@google/genai';

const [port, apiKey, ...models] = process.argv.slice(2);
if (!port || !apiKey || models.length === 0) {
  console.error('usage: node gemini-setup.mjs <port> <apiKey> <model>...');
  process.exit(2);
}

// The package does not export its package.json; read it from where npm put it.
const genaiVersion = JSON.parse(readFileSync(new URL('./node_modules/@google/genai/package.json', import.meta.url), 'utf8')).version;
const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `http://127.0.0.1:${port}` } });

// Everything LiveConnectConfig has that the Developer-API converter forwards and every model takes.
const common = () => ({
  responseModalities: [Modality.AUDIO],
  temperature: 0.7,
  topP: 0.9,
  topK: 40,
  maxOutputTokens: 1024,
  mediaResolution: MediaResolution.MEDIA_RESOLUTION_LOW,
  seed: 7,
  speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } }, languageCode: 'en-US' },
  systemInstruction: 'You are the interop test.',
  tools: [{ googleSearch: {} }, { functionDeclarations: [{ name: 'lookup', description: 'Looks up a word.' }] }],
  sessionResumption: {},
  inputAudioTranscription: {},
  outputAudioTranscription: {},
  realtimeInputConfig: {
    automaticActivityDetection: {
      disabled: false,
      startOfSpeechSensitivity: StartSensitivity.START_SENSITIVITY_LOW,
      endOfSpeechSensitivity: EndSensitivity.END_SENSITIVITY_HIGH,
      prefixPaddingMs: 20,
      silenceDurationMs: 500,
    },
    activityHandling: ActivityHandling.START_OF_ACTIVITY_INTERRUPTS,
    turnCoverage: TurnCoverage.TURN_INCLUDES_ONLY_ACTIVITY,
  },
  contextWindowCompression: { triggerTokens: '25000', slidingWindow: { targetTokens: '12000' } },
  safetySettings: [{ category: HarmCategory.HARM_CATEGORY_HARASSMENT, threshold: HarmBlockThreshold.BLOCK_ONLY_HIGH }],
  translationConfig: { targetLanguageCode: 'de-DE' },
  labels: { suite: 'interop' },
});

// Per-family extras, the same facts our client's model catalog records.
function configFor(model) {
  const config = common();
  if (model.startsWith('gemini-2.5')) {
    config.thinkingConfig = { thinkingBudget: 512, includeThoughts: false };
    config.enableAffectiveDialog = true;
    config.proactivity = { proactiveAudio: true };
  } else if (model.includes('thinking') || model.startsWith('gemini-3.1')) {
    config.thinkingConfig = { thinkingLevel: ThinkingLevel.LOW };
  }
  return config;
}

async function attempt(model, config, afterSetup) {
  let closed = null;
  try {
    const session = await ai.live.connect({
      model,
      config,
      callbacks: { onmessage: () => {}, onclose: (e) => { closed = { code: e?.code, reason: e?.reason }; } },
    });
    if (afterSetup) {
      afterSetup(session);
      for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 20));
      session.close();
      return closed ? { ok: false, error: `closed ${closed.code}: ${closed.reason}` } : { ok: true };
    }
    session.close();
    return { ok: Boolean(session.setupComplete) };
  } catch (e) {
    return { ok: false, error: String(e?.message ?? e) };
  }
}

const accepted = {};
for (const model of models) {
  accepted[model] = await attempt(model, configFor(model));
}

const base = models[0];
const refused = {
  // Forwarded as given by the converter (realtimeInputConfig is passed through), so genai does not catch it.
  unknownNestedField: await attempt(base, { ...common(), realtimeInputConfig: { activityHandling: 'NO_INTERRUPTION', turnDetection: {} } }),
  unknownEnumValue: await attempt(base, { ...common(), realtimeInputConfig: { activityHandling: 'INTERRUPT_SOMETIMES' } }),
  thinkingOnAModelWithout: await attempt('gemini-3.8-live', { ...common(), thinkingConfig: { thinkingLevel: ThinkingLevel.LOW } }),
  proactivityWhereAlwaysOn: await attempt('gemini-3.8-live', { ...common(), proactivity: { proactiveAudio: false } }),
  wavAudio: await attempt(base, common(), (session) => session.sendRealtimeInput({ audio: { data: 'AAAA', mimeType: 'audio/wav' } })),
};

console.log(JSON.stringify({ genaiVersion, accepted, refused }));
process.exit(0);
