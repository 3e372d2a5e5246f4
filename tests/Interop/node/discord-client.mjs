// discord.js 14 pointed at the Chorus Discord emulator. Prints one JSON object per line on stdout so the C#
// test can follow along: ready (with the guild's voice states), interaction, replied, error.
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';

const api = process.env.DISCORD_API;
const token = process.env.DISCORD_TOKEN;
const guildId = process.env.DISCORD_GUILD;
if (!api || !token || !guildId) {
  console.error('DISCORD_API, DISCORD_TOKEN and DISCORD_GUILD are required');
  process.exit(2);
}

const emit = (event) => process.stdout.write(JSON.stringify(event) + '\n');

const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
  rest: { api },
  // Short waits so a missing GUILD_CREATE shows up as a test failure, not a 15 s stall.
  waitGuildTimeout: 2000,
});

client.once(Events.ClientReady, (ready) => {
  const guild = ready.guilds.cache.get(guildId);
  emit({
    event: 'ready',
    user: ready.user.id,
    application: ready.application?.id ?? null,
    guilds: [...ready.guilds.cache.keys()],
    guildName: guild?.name ?? null,
    voiceStates: guild ? [...guild.voiceStates.cache.values()].map((v) => ({ user: v.id, channel: v.channelId })) : [],
    channels: guild ? [...guild.channels.cache.values()].map((c) => ({ id: c.id, type: c.type })) : [],
  });
});

client.on(Events.VoiceStateUpdate, (_, now) => {
  emit({ event: 'voiceState', user: now.id, channel: now.channelId });
});

client.on(Events.InteractionCreate, async (interaction) => {
  if (!interaction.isChatInputCommand()) {
    return;
  }
  emit({ event: 'interaction', name: interaction.commandName, user: interaction.user.id, guild: interaction.guildId });
  try {
    await interaction.reply({ content: `pong from discord.js to ${interaction.user.id}`, flags: MessageFlags.Ephemeral });
    emit({ event: 'replied' });
  } catch (error) {
    emit({ event: 'error', message: String(error) });
  }
});

client.on(Events.Error, (error) => emit({ event: 'error', message: String(error) }));

process.on('SIGTERM', () => {
  client.destroy().finally(() => process.exit(0));
});

client.login(token).catch((error) => {
  emit({ event: 'error', message: String(error) });
  process.exit(1);
});
