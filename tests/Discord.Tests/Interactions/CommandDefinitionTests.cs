using System.Text.Json.Nodes;
using Chorus.Discord.Interactions;
using Chorus.Discord.Tests.Rest;

namespace Chorus.Discord.Tests.Interactions;

/// <summary>The library's command definition types on the wire, with every field the bot uses (the commands themselves live beside their handlers).</summary>
[EndToEnd]
public sealed class CommandDefinitionTests
{
    [Fact]
    public async Task Guild_registration_sends_each_field_under_discords_name()
    {
        await using var rig = await RestRig.StartAsync();
        var app = rig.Emulator.Options.ApplicationId;
        ApplicationCommand definition = new()
        {
            Name = "tune",
            Description = "Every kind of option",
            Contexts = ApplicationCommand.GuildOnly,
            IntegrationTypes = ApplicationCommand.GuildOnly,
            DefaultMemberPermissions = (ulong)Permissions.ManageGuild,
            Options =
            [
                new ApplicationCommandOption
                {
                    Type = ApplicationCommandOption.SubCommand,
                    Name = "all",
                    Description = "All option types",
                    Options =
                    [
                        new ApplicationCommandOption { Type = ApplicationCommandOption.StringType, Name = "text", Description = "Text", Required = true, MinLength = 1, MaxLength = 6000 },
                        new ApplicationCommandOption { Type = ApplicationCommandOption.StringType, Name = "voice", Description = "Voice", Autocomplete = true },
                        new ApplicationCommandOption { Type = ApplicationCommandOption.IntegerType, Name = "minutes", Description = "Minutes", MinValue = 1, MaxValue = 1440 },
                        new ApplicationCommandOption { Type = ApplicationCommandOption.BooleanType, Name = "enabled", Description = "On or off" },
                        new ApplicationCommandOption { Type = ApplicationCommandOption.ChannelType, Name = "channel", Description = "Channel", Required = false, ChannelTypes = [0, 5] },
                        new ApplicationCommandOption { Type = ApplicationCommandOption.RoleType, Name = "role", Description = "Role" },
                        new ApplicationCommandOption
                        {
                            Type = ApplicationCommandOption.StringType, Name = "who", Description = "Who", Choices = [new ApplicationCommandOptionChoice("Anyone", "anyone")],
                        },
                    ],
                },
            ],
        };

        await rig.Client.BulkOverwriteGuildCommandsAsync(app, Gateway.EmulatorRig.GuildId, [definition]);

        var registration = Assert.Single(rig.Emulator.CommandRegistrations.Snapshot());
        Assert.Equal((Gateway.EmulatorRig.GuildId, app), (registration.GuildId, registration.ApplicationId));
        var sent = Assert.Single(registration.Commands)!;
        var expected = JsonNode.Parse("""
            {
              "name": "tune", "description": "Every kind of option", "type": 1,
              "options": [{
                "type": 1, "name": "all", "description": "All option types",
                "options": [
                  { "type": 3, "name": "text", "description": "Text", "required": true, "min_length": 1, "max_length": 6000 },
                  { "type": 3, "name": "voice", "description": "Voice", "autocomplete": true },
                  { "type": 4, "name": "minutes", "description": "Minutes", "min_value": 1, "max_value": 1440 },
                  { "type": 5, "name": "enabled", "description": "On or off" },
                  { "type": 7, "name": "channel", "description": "Channel", "required": false, "channel_types": [0, 5] },
                  { "type": 8, "name": "role", "description": "Role" },
                  { "type": 3, "name": "who", "description": "Who", "choices": [{ "name": "Anyone", "value": "anyone" }] }
                ]
              }],
              "default_member_permissions": "32", "contexts": [0], "integration_types": [0]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, sent), sent.ToJsonString());
    }
}
