namespace Chorus.Discord.Interactions;

/// <summary>Body of POST /interactions/{id}/{token}/callback.</summary>
public sealed record InteractionResponse
{
    public const int ChannelMessageWithSource = 4;
    public const int DeferredChannelMessageWithSource = 5;
    public const int AutocompleteResult = 8;

    public required int Type { get; init; }

    public MessageBody? Data { get; init; }

    public static InteractionResponse Message(string content, bool ephemeral) =>
        new() { Type = ChannelMessageWithSource, Data = new MessageBody { Content = content, Flags = ephemeral ? MessageBody.EphemeralFlag : null } };

    public static InteractionResponse Autocomplete(IReadOnlyList<ApplicationCommandOptionChoice> choices) =>
        new() { Type = AutocompleteResult, Data = new MessageBody { Choices = choices } };

    public static InteractionResponse Deferred(bool ephemeral) =>
        new() { Type = DeferredChannelMessageWithSource, Data = ephemeral ? new MessageBody { Flags = MessageBody.EphemeralFlag } : null };
}
