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

    public static TheoryData<string, string> RefusedDefinitions => new()
    {
        { """[{ "name": "x", "description": "d", "min_vlaue": 1 }]""", "0.min_vlaue" },
        { """[{ "name": "x", "description": "d", "options": [{ "type": 4, "name": "n", "description": "d", "minValue": 1 }] }]""", "0.options.0.minValue" },
        { """[{ "name": "X", "description": "d" }]""", "0.name" },
        { $$"""[{ "name": "x", "description": "{{new string('d', 101)}}" }]""", "0.description" },
        { """[{ "name": "x", "description": "d", "default_member_permissions": 32 }]""", "0.default_member_permissions" },
        { """[{ "name": "x", "description": "d", "options": [{ "type": 3, "name": "a", "description": "d" }, { "type": 3, "name": "b", "description": "d", "required": true }] }]""", "0.options.1.required" },
        { """[{ "name": "x", "description": "d", "options": [{ "type": 3, "name": "a", "description": "d", "autocomplete": true, "choices": [{ "name": "n", "value": "v" }] }] }]""", "0.options.0.choices" },
        { """[{ "name": "x", "description": "d" }, { "name": "x", "description": "again" }]""", "1.name" },
    };

    [Theory]
    [MemberData(nameof(RefusedDefinitions))]
    public async Task The_emulator_refuses_a_definition_discord_would_not_take_naming_the_field(string body, string path)
    {
        await using var rig = await RestRig.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{rig.Emulator.ApiBaseUrl}/applications/{rig.Emulator.Options.ApplicationId}/commands")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bot", rig.Emulator.Options.Token);

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(50035, error["code"]!.GetValue<int>());
        var at = path.Split('.').Aggregate(error["errors"], (node, segment) => node?[segment]);
        Assert.NotNull(at?["_errors"]);
        Assert.Empty(rig.Emulator.CommandRegistrations.Snapshot());
    }
}
