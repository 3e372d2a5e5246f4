namespace Chorus.Discord.Interactions;

/// <summary>One choice of an option, or one autocomplete suggestion.</summary>
/// <param name="Name">What the user sees (1-100 characters).</param>
/// <param name="Value">What the bot receives when it is picked.</param>
public sealed record ApplicationCommandOptionChoice(string Name, string Value);
