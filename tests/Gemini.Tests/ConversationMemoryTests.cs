using Chorus.Gemini.Events;

namespace Chorus.Gemini.Tests;

public sealed class ConversationMemoryTests
{
    [Fact]
    public void Nothing_heard_leaves_the_persona_alone()
    {
        var memory = new GeminiConversationMemory(maxTurns: 8, maxCharacters: 2000);

        Assert.Equal("You are a parrot.", memory.SeedInstruction("You are a parrot."));
        Assert.Null(memory.SeedInstruction(null));
    }

    [Fact]
    public void The_seed_is_the_persona_then_the_newest_turns_oldest_first_within_the_turn_bound()
    {
        var memory = new GeminiConversationMemory(maxTurns: 2, maxCharacters: 2000);
        for (var turn = 1; turn <= 3; turn++)
        {
            // Transcriptions arrive in pieces; a turn is their concatenation.
            memory.Heard(new GeminiTranscription(GeminiTranscriptionSource.Input, $" question", false));
            memory.Heard(new GeminiTranscription(GeminiTranscriptionSource.Input, $" {turn}", true));
            memory.Heard(new GeminiTranscription(GeminiTranscriptionSource.Output, $"answer {turn}", false));
            memory.EndTurn();
        }

        var seed = memory.SeedInstruction("You are a parrot.")!;

        Assert.StartsWith("You are a parrot.\n\n", seed, StringComparison.Ordinal);
        Assert.Contains("Do not greet", seed, StringComparison.Ordinal);
        Assert.DoesNotContain("question 1", seed, StringComparison.Ordinal);
        Assert.EndsWith("User: question 2\nYou: answer 2\nUser: question 3\nYou: answer 3\n", seed, StringComparison.Ordinal);
        Assert.Equal(2, memory.Turns);
    }

    [Fact]
    public void The_character_bound_leaves_out_the_oldest_turns()
    {
        var memory = new GeminiConversationMemory(maxTurns: 8, maxCharacters: 60);
        memory.Heard(new GeminiTranscription(GeminiTranscriptionSource.Input, "an old and rather long question about the sea", true));
        memory.EndTurn();
        memory.Heard(new GeminiTranscription(GeminiTranscriptionSource.Input, "newest", true));
        memory.Heard(new GeminiTranscription(GeminiTranscriptionSource.Output, "reply", true));
        memory.EndTurn();

        var seed = memory.SeedInstruction(null)!;

        Assert.DoesNotContain("old and rather long", seed, StringComparison.Ordinal);
        Assert.EndsWith("User: newest\nYou: reply\n", seed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_turn_cut_by_a_lost_socket_is_not_kept_because_its_replayed_audio_is_transcribed_again()
    {
        var memory = new GeminiConversationMemory(maxTurns: 8, maxCharacters: 2000);
        memory.Heard(new GeminiTranscription(GeminiTranscriptionSource.Input, "cut short", true));
        memory.DropOpenTurn();
        memory.Heard(new GeminiTranscription(GeminiTranscriptionSource.Input, "cut short", true));
        memory.Heard(new GeminiTranscription(GeminiTranscriptionSource.Output, "answered", true));
        memory.EndTurn();

        var seed = memory.SeedInstruction(null)!;

        Assert.EndsWith("User: cut short\nYou: answered\n", seed, StringComparison.Ordinal);
        Assert.Equal(1, memory.Turns);
    }
}
