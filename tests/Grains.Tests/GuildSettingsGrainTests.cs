using Chorus.Grains.Settings;

namespace Chorus.Grains.Tests;

[EndToEnd]
public sealed class GuildSettingsGrainTests(MemoryClusterFixture fixture) : IClassFixture<MemoryClusterFixture>
{
    private IGuildSettingsGrain NewGuild() => fixture.Client.GetGrain<IGuildSettingsGrain>(TestClusters.NewGuildId());

    [Fact]
    public async Task New_guild_gets_the_configured_defaults()
    {
        var settings = await NewGuild().GetAsync();

        Assert.Equal("Default persona for tests.", settings.Persona);
        Assert.True(settings.PersonaIsDefault);
        Assert.Equal("Kore", settings.VoiceName);
        Assert.Equal(BotDefaultsOptions.DefaultModelId, settings.ModelId);
        Assert.Null(settings.ChangedBy);
        Assert.Equal(0, settings.Version);
    }

    [Fact]
    public async Task Set_then_get_returns_the_persona_and_who_changed_it()
    {
        var guild = NewGuild();

        var result = await guild.SetPersonaAsync("You are a pirate.\nSpeak like one.", changedBy: 42);
        var settings = await guild.GetAsync();

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("You are a pirate.\nSpeak like one.", settings.Persona);
        Assert.False(settings.PersonaIsDefault);
        Assert.Equal(42UL, settings.ChangedBy);
        Assert.Equal(fixture.Time.GetUtcNow(), settings.ChangedAt);
        Assert.Equal(1, settings.Version);
    }

    [Fact]
    public async Task Reset_returns_to_the_default_persona()
    {
        var guild = NewGuild();
        await guild.SetPersonaAsync("Temporary persona", 1);

        var result = await guild.ResetPersonaAsync(2);

        Assert.True(result.Succeeded);
        Assert.Equal("Default persona for tests.", result.Settings.Persona);
        Assert.True(result.Settings.PersonaIsDefault);
        Assert.Equal(2UL, result.Settings.ChangedBy);
    }

    [Fact]
    public async Task Persona_changes_are_audited_with_who_when_and_lengths_and_the_last_one_is_in_the_settings()
    {
        var guild = NewGuild();
        var start = fixture.Time.GetUtcNow();
        Assert.Null((await guild.GetAsync()).LastPersonaEdit);

        await guild.SetPersonaAsync("Temporary persona", 7);
        await guild.SetVoiceAsync("Puck", 8);
        await guild.SetPersonaAsync("😀 emoji count as one", 9);
        var rejected = await guild.SetPersonaAsync("   ", 10);
        await guild.ResetPersonaAsync(11);
        var edits = await guild.GetPersonaEditsAsync();
        var settings = await guild.GetAsync();

        Assert.False(rejected.Succeeded);
        Assert.Equal(
            [
                new PersonaEdit(7, start, "Default persona for tests.".Length, "Temporary persona".Length, Reset: false),
                new PersonaEdit(9, start, "Temporary persona".Length, "😀 emoji count as one".Length - 1, Reset: false),
                new PersonaEdit(11, start, "😀 emoji count as one".Length - 1, "Default persona for tests.".Length, Reset: true),
            ],
            edits);
        Assert.Equal(edits[^1], settings.LastPersonaEdit);
    }

    [Fact]
    public async Task Only_the_latest_persona_changes_are_kept()
    {
        var guild = NewGuild();

        for (var i = 1; i <= IGuildSettingsGrain.PersonaEditsKept + 5; i++)
        {
            await guild.SetPersonaAsync(new string('p', i), (ulong)i);
        }

        var edits = await guild.GetPersonaEditsAsync();
        Assert.Equal(IGuildSettingsGrain.PersonaEditsKept, edits.Count);
        Assert.Equal(6UL, edits[0].UserId);
        Assert.Equal(IGuildSettingsGrain.PersonaEditsKept + 5, edits[^1].NewLength);
    }

    [Fact]
    public async Task Persona_of_exactly_6000_characters_is_accepted_counting_emoji_as_one()
    {
        var guild = NewGuild();
        var persona = string.Concat(Enumerable.Repeat("😀", 6000));

        var result = await guild.SetPersonaAsync(persona, 1);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(persona, (await guild.GetAsync()).Persona);
    }

    public static TheoryData<string, string> BadPersonas => new()
    {
        { new string('a', 6001), "6001 characters" },
        { "", "empty" },
        { "   \n\t ", "empty" },
        { "Hello\u0007bell", "U+0007" },
        { "Null\0byte", "U+0000" },
        { "Escape \u001b[31m red", "U+001B" },
    };

    [Theory]
    [MemberData(nameof(BadPersonas))]
    public async Task Invalid_persona_is_rejected_with_a_clear_error_and_nothing_changes(string persona, string errorMentions)
    {
        var guild = NewGuild();
        await guild.SetPersonaAsync("Valid original", 7);

        var result = await guild.SetPersonaAsync(persona, 8);
        var after = await guild.GetAsync();

        Assert.False(result.Succeeded);
        Assert.Contains(errorMentions, result.Error);
        Assert.Equal("Valid original", after.Persona);
        Assert.Equal(7UL, after.ChangedBy);
        Assert.Equal(1, after.Version);
        Assert.Equal(after, result.Settings);
    }

    [Fact]
    public async Task Windows_line_ends_are_stored_as_newlines()
    {
        var guild = NewGuild();

        var result = await guild.SetPersonaAsync("Line one\r\nLine two", 1);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("Line one\nLine two", result.Settings.Persona);
    }

    [Fact]
    public async Task Voice_must_be_a_known_prebuilt_voice_and_case_is_forgiven()
    {
        var guild = NewGuild();

        var unknown = await guild.SetVoiceAsync("Gandalf", 1);
        var lower = await guild.SetVoiceAsync("zephyr", 1);

        Assert.False(unknown.Succeeded);
        Assert.Contains("Unknown voice 'Gandalf'", unknown.Error);
        Assert.Contains("Puck", unknown.Error);
        Assert.True(lower.Succeeded, lower.Error);
        Assert.Equal("Zephyr", (await guild.GetAsync()).VoiceName);
    }

    [Theory]
    [InlineData("en-US", true)]
    [InlineData("de-DE", true)]
    [InlineData("cmn-Hans-CN", true)]
    [InlineData("english", false)]
    [InlineData("en_US", false)]
    public async Task Language_codes_are_checked(string code, bool accepted)
    {
        var guild = NewGuild();

        var result = await guild.SetLanguageAsync(code, 1);

        Assert.Equal(accepted, result.Succeeded);
        Assert.Equal(accepted ? code : null, (await guild.GetAsync()).LanguageCode);
    }

    [Fact]
    public async Task Options_outside_their_range_are_rejected()
    {
        var guild = NewGuild();

        var tooLong = await guild.SetOptionsAsync(new GuildOptions(MaxSessionMinutes: 100_000), 1);
        var ok = await guild.SetOptionsAsync(new GuildOptions(HalfDuplex: true, TranscriptChannelId: 99, MaxSessionMinutes: 30), 1);

        Assert.False(tooLong.Succeeded);
        Assert.True(ok.Succeeded);
        var stored = (await guild.GetAsync()).Options;
        Assert.True(stored.HalfDuplex);
        Assert.Equal(99UL, stored.TranscriptChannelId);
        Assert.Equal(30, stored.MaxSessionMinutes);
    }

    public static TheoryData<string, GuildOptionsChange, string?> OptionChanges => new()
    {
        { "half-duplex on", new GuildOptionsChange { HalfDuplex = true }, null },
        { "barge-in off", new GuildOptionsChange { LocalBargeIn = false }, null },
        { "search on", new GuildOptionsChange { GoogleSearch = true }, null },
        { "transcripts on", new GuildOptionsChange { ChangesTranscriptChannel = true, TranscriptChannelId = 99 }, null },
        { "limit 1", new GuildOptionsChange { MaxSessionMinutes = 1 }, null },
        { "limit 1440", new GuildOptionsChange { MaxSessionMinutes = 1440 }, null },
        { "role policy", new GuildOptionsChange { ControlPolicy = SessionControlPolicy.Role, ControlRoleId = 5 }, null },
        { "limit 0", new GuildOptionsChange { MaxSessionMinutes = 0 }, "between 1 and 1440 minutes" },
        { "limit 1441", new GuildOptionsChange { MaxSessionMinutes = 1441 }, "between 1 and 1440 minutes" },
        { "role policy without a role", new GuildOptionsChange { ControlPolicy = SessionControlPolicy.Role }, "Choose the role" },
        { "unknown policy", new GuildOptionsChange { ControlPolicy = (SessionControlPolicy)7 }, "not a known choice" },
        { "transcripts channel 0", new GuildOptionsChange { ChangesTranscriptChannel = true, TranscriptChannelId = 0 }, "not a channel" },
    };

    [Theory]
    [MemberData(nameof(OptionChanges))]
    public async Task An_options_change_is_stored_or_refused_with_the_reason(string name, GuildOptionsChange change, string? errorMentions)
    {
        var guild = NewGuild();

        var result = await guild.ChangeOptionsAsync(change, 3);
        var stored = await guild.GetAsync();

        if (errorMentions is null)
        {
            Assert.True(result.Succeeded, $"{name}: {result.Error}");
            Assert.Equal(change.ApplyTo(new GuildOptions()), stored.Options);
            Assert.Equal(1, stored.Version);
        }
        else
        {
            Assert.False(result.Succeeded, name);
            Assert.Contains(errorMentions, result.Error, StringComparison.Ordinal);
            Assert.Equal((0, new GuildOptions()), (stored.Version, stored.Options));
        }
    }

    [Fact]
    public async Task Two_option_changes_each_keep_the_other()
    {
        var guild = NewGuild();

        await Task.WhenAll(
            guild.ChangeOptionsAsync(new GuildOptionsChange { HalfDuplex = true }, 1),
            guild.ChangeOptionsAsync(new GuildOptionsChange { ChangesTranscriptChannel = true, TranscriptChannelId = 77 }, 2));
        var moved = await guild.ChangeOptionsAsync(new GuildOptionsChange { ControlPolicy = SessionControlPolicy.AnyoneInChannel, ControlRoleId = 5 }, 3);

        var options = (await guild.GetAsync()).Options;
        Assert.True(moved.Succeeded);
        Assert.Equal((true, 77UL, SessionControlPolicy.AnyoneInChannel, (ulong?)null), (options.HalfDuplex, options.TranscriptChannelId!.Value, options.ControlPolicy, options.ControlRoleId));
    }
}
