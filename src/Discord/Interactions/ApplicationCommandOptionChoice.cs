namespace Chorus.Discord.Interactions;

public sealed record ApplicationCommandOptionChoice(string Name, string Value);
