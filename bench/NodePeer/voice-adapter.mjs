// The voice adapter of a peer that has no Discord gateway: when @discordjs/voice asks to join (op 4), it answers
// itself with the voice state and server updates that discord.js would pass on from the real gateway, in the
// gateway's order (the state update first, then the server update, which starts the connection). Shared by the
// load harness's peer bot (peer.mjs) and the interop tests' voice client (tests/Interop/node/voice-peer.mjs); it
// imports no package, so either may load it whichever node_modules it has.
export function emulatedVoiceAdapter({ guildId, channelId, userId, sessionId, token, endpoint }) {
  return (methods) => ({
    sendPayload(payload) {
      if (payload.op === 4 && payload.d.channel_id) {
        setImmediate(() => {
          methods.onVoiceStateUpdate({
            guild_id: guildId, channel_id: channelId, user_id: userId, session_id: sessionId,
            deaf: false, mute: false, self_deaf: false, self_mute: false, self_video: false, suppress: false,
            request_to_speak_timestamp: null,
          });
          methods.onVoiceServerUpdate({ guild_id: guildId, token, endpoint });
        });
      }
      return true;
    },
    destroy() {},
  });
}
