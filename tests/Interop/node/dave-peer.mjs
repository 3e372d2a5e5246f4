// A DAVE peer backed by @snazzah/davey (written by others), driven over stdin/stdout with one JSON object per line.
// The C# interop tests play the voice gateway and our own MLS/DAVE side against it.
import readline from 'node:readline';
import davey from '@snazzah/davey';

const { DAVESession } = davey;
let session = null;

const hex = (buf) => (buf ? Buffer.from(buf).toString('hex') : null);
const bin = (text) => Buffer.from(text, 'hex');

function state() {
  const auth = session.getEpochAuthenticator();
  return { epoch: session.epoch === null ? null : Number(session.epoch), authenticator: hex(auth), privacyCode: session.voicePrivacyCode };
}

const handlers = {
  init({ userId, channelId, externalSender }) {
    session = new DAVESession(1, userId, channelId);
    session.setExternalSender(bin(externalSender));
    return { keyPackage: hex(session.getSerializedKeyPackage()) };
  },
  proposals({ operation, data, recognized }) {
    const result = session.processProposals(operation, bin(data), recognized);
    return { commit: hex(result.commit), welcome: hex(result.welcome) };
  },
  welcome({ data }) {
    session.processWelcome(bin(data));
    return state();
  },
  commit({ data }) {
    session.processCommit(bin(data));
    return state();
  },
  state() {
    return state();
  },
  encrypt({ frames }) {
    return { frames: frames.map((f) => hex(session.encryptOpus(bin(f)))) };
  },
  decrypt({ userId, frames }) {
    return {
      frames: frames.map((f) => {
        try {
          return hex(session.decrypt(userId, 0, bin(f)));
        } catch (e) {
          return 'error:' + String(e && e.message ? e.message : e);
        }
      }),
    };
  },
};

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    if (request.cmd === 'exit') {
      process.exit(0);
    }
    reply = handlers[request.cmd](request);
  } catch (e) {
    reply = { error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
rl.on('close', () => process.exit(0));
