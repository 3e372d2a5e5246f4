namespace Chorus.Discord.Interactions;

/// <summary>Body of POST /interactions/{id}/{token}/callback.</summary>
public sealed record InteractionResponse
{
    /// <summary>Callback type CHANNEL_MESSAGE_WITH_SOURCE (4): reply with a message now.</summary>
    public const int ChannelMessageWithSource = 4;
    /// <summary>Callback type DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE (5): acknowledge now, edit @original later.</summary>
    public const int DeferredChannelMessageWithSource = 5;
    /// <summary>Callback type APPLICATION_COMMAND_AUTOCOMPLETE_RESULT (8): suggestions for an option.</summary>
    public const int AutocompleteResult = 8;

    /// <summary>The interaction callback type.</summary>
    public required int Type { get; init; }

    /// <summary>The callback data: the message, the ephemeral flag of a deferral, or the autocomplete choices.</summary>
    public MessageBody? Data { get; init; }

    /// <summary>A message reply; <paramref name="ephemeral"/> shows it only to the caller.</summary>
    public static InteractionResponse Message(string content, bool ephemeral) =>
        new() { Type = ChannelMessageWithSource, Data = new MessageBody { Content = content, Flags = ephemeral ? MessageBody.EphemeralFlag : null } };

    /// <summary>An autocomplete answer with up to 25 <paramref name="choices"/>.</summary>
    public static InteractionResponse Autocomplete(IReadOnlyList<ApplicationCommandOptionChoice> choices) =>
        new() { Type = AutocompleteResult, Data = new MessageBody { Choices = choices } };

    /// <summary>A deferral ("thinking..."); the reply follows as an edit of @original. <paramref name="ephemeral"/> shows it only to the caller.</summary>
    public static InteractionResponse Deferred(bool ephemeral) =>
        new() { Type = DeferredChannelMessageWithSource, Data = ephemeral ? new MessageBody { Flags = MessageBody.EphemeralFlag } : null };
}
