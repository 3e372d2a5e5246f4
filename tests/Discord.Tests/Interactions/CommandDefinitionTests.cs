using System.Text.RegularExpressions;
using Chorus.Discord.Interactions;
using Chorus.Discord.Tests.Rest;

namespace Chorus.Discord.Tests.Interactions;

[EndToEnd]
public sealed class CommandDefinitionTests
{
    [Fact]
    public async Task Guild_registration_sends_the_documented_command_payload()
    {
        await using var rig = await RestRig.StartAsync();
        var app = rig.Emulator.Options.ApplicationId;

        await rig.Client.BulkOverwriteGuildCommandsAsync(app, Gateway.EmulatorRig.GuildId, ChorusCommands.All);

        var registration = Assert.Single(rig.Emulator.CommandRegistrations.Snapshot());
        Assert.Equal(Gateway.EmulatorRig.GuildId, registration.GuildId);
        Assert.Equal(app, registration.ApplicationId);
        var commands = registration.Commands;
        Assert.Equal(["join", "leave", "persona", "status"], commands.Select(c => c!["name"]!.GetValue<string>()));
        Assert.All(commands, c =>
        {
            Assert.Equal(1, c!["type"]!.GetValue<int>());
            Assert.Matches(new Regex("^[-_a-z0-9]{1,32}$"), c["name"]!.GetValue<string>());
            Assert.InRange(c["description"]!.GetValue<string>().Length, 1, 100);
            Assert.Equal("[0]", c["contexts"]!.ToJsonString());
        });

        var join = commands[0]!;
        Assert.Null(join["default_member_permissions"]);
        var channel = join["options"]![0]!;
        Assert.Equal(7, channel["type"]!.GetValue<int>());
        Assert.False(channel["required"]!.GetValue<bool>());
        Assert.Equal("[2]", channel["channel_types"]!.ToJsonString());

        var persona = commands[2]!;
        Assert.Equal("\"32\"", persona["default_member_permissions"]!.ToJsonString());
        var subcommands = persona["options"]!.AsArray();
        Assert.Equal(["show", "set", "reset", "voice", "language"], subcommands.Select(o => o!["name"]!.GetValue<string>()));
        Assert.All(subcommands, o => Assert.Equal(1, o!["type"]!.GetValue<int>()));
        var text = subcommands[1]!["options"]![0]!;
        Assert.Equal(3, text["type"]!.GetValue<int>());
        Assert.True(text["required"]!.GetValue<bool>());
        Assert.Equal(ChorusCommands.PersonaMaxLength, text["max_length"]!.GetValue<int>());
        var voice = subcommands[3]!["options"]![0]!;
        Assert.True(voice["autocomplete"]!.GetValue<bool>());
        Assert.Null(voice["choices"]);
    }
}
