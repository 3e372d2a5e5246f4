using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Chorus.Emulators.Discord;

/// <summary>
/// What the emulator accepts in a bulk overwrite of slash commands: the fields discord-api-types 0.38 names for
/// RESTPostAPIChatInputApplicationCommandsJSONBody and APIApplicationCommandOption, with Discord's documented limits
/// (names, description lengths, 25 options and choices, required options first). A field outside those is refused
/// rather than ignored, so a misspelt field fails a test instead of silently doing nothing on Discord.
/// </summary>
internal static partial class CommandDefinitionRules
{
    private static readonly HashSet<string> CommandFields =
    [
        "id", "type", "name", "name_localizations", "description", "description_localizations", "options", "default_member_permissions",
        "dm_permission", "default_permission", "nsfw", "integration_types", "contexts", "handler",
    ];

    private static readonly HashSet<string> OptionFields =
    [
        "type", "name", "name_localizations", "description", "description_localizations", "required", "choices", "options", "channel_types",
        "min_value", "max_value", "min_length", "max_length", "autocomplete",
    ];

    private static readonly HashSet<string> ChoiceFields = ["name", "name_localizations", "value"];

    /// <summary>Null when Discord would take <paramref name="body"/>; otherwise where the first problem is and what it is.</summary>
    public static (string Path, string Problem)? Check(JsonNode? body)
    {
        if (body is not JsonArray commands)
        {
            return ("", "must be an array of commands");
        }

        if (commands.Count > 100)
        {
            return ("", "at most 100 commands");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < commands.Count; i++)
        {
            var path = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (commands[i] is not JsonObject command)
            {
                return (path, "must be an object");
            }

            if (CheckCommand(command, path) is { } problem)
            {
                return problem;
            }

            if (!names.Add(command["name"]!.GetValue<string>()))
            {
                return (path + ".name", "application command names must be unique");
            }
        }

        return null;
    }

    private static (string, string)? CheckCommand(JsonObject command, string path)
    {
        if (Unknown(command, CommandFields, path) is { } unknown)
        {
            return unknown;
        }

        var type = Integer(command["type"]) ?? 1;
        if (type is < 1 or > 4)
        {
            return (path + ".type", "unknown application command type");
        }

        if (Name(command, path) is { } name)
        {
            return name;
        }

        if (type == 1 && Description(command, path) is { } description)
        {
            return description;
        }

        if (command["default_member_permissions"] is { } permissions
            && (permissions.GetValueKind() != JsonValueKind.String || !ulong.TryParse(permissions.GetValue<string>(), out _)))
        {
            return (path + ".default_member_permissions", "must be a permission bit set as a string");
        }

        if (Members(command["contexts"], 0, 2) is false)
        {
            return (path + ".contexts", "interaction context types are 0, 1 and 2");
        }

        if (Members(command["integration_types"], 0, 1) is false)
        {
            return (path + ".integration_types", "integration types are 0 and 1");
        }

        return Options(command["options"], path + ".options", depth: 0);
    }

    private static (string, string)? Options(JsonNode? node, string path, int depth)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray options || options.Count > 25)
        {
            return (path, "at most 25 options");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var optionalSeen = false;
        for (var i = 0; i < options.Count; i++)
        {
            var at = $"{path}.{i}";
            if (options[i] is not JsonObject option)
            {
                return (at, "must be an object");
            }

            if (Unknown(option, OptionFields, at) is { } unknown)
            {
                return unknown;
            }

            var type = Integer(option["type"]);
            if (type is null or < 1 or > 11)
            {
                return (at + ".type", "unknown option type");
            }

            if ((Name(option, at) ?? Description(option, at)) is { } problem)
            {
                return problem;
            }

            if (!names.Add(option["name"]!.GetValue<string>()))
            {
                return (at + ".name", "option names must be unique");
            }

            if (type is 1 or 2)
            {
                // A group sits at the top; a subcommand at the top or in a group.
                if ((type == 2 && depth > 0) || depth > 1)
                {
                    return (at, "subcommands nest at most two levels");
                }

                if (Options(option["options"], at + ".options", depth + 1) is { } inner)
                {
                    return inner;
                }

                continue;
            }

            if (option["options"] is not null)
            {
                return (at + ".options", "only subcommands have options");
            }

            var required = option["required"]?.GetValue<bool>() ?? false;
            if (required && optionalSeen)
            {
                return (at + ".required", "required options must be placed before non-required options");
            }

            optionalSeen |= !required;
            if (option["choices"] is JsonArray choices)
            {
                if (choices.Count > 25 || option["autocomplete"]?.GetValue<bool>() == true)
                {
                    return (at + ".choices", "at most 25 choices, and not with autocomplete");
                }

                foreach (var choice in choices)
                {
                    if (choice is not JsonObject c || Unknown(c, ChoiceFields, at + ".choices") is not null
                        || c["name"]?.GetValue<string>() is not { Length: >= 1 and <= 100 } || c["value"] is null)
                    {
                        return (at + ".choices", "each choice is a name of 1-100 characters and a value");
                    }
                }
            }

            if (Integer(option["min_length"]) is < 0 or > 6000 || Integer(option["max_length"]) is < 1 or > 6000)
            {
                return (at, "min_length is 0-6000 and max_length 1-6000");
            }
        }

        return null;
    }

    private static (string, string)? Unknown(JsonObject node, HashSet<string> allowed, string path)
    {
        foreach (var (key, _) in node)
        {
            if (!allowed.Contains(key))
            {
                return ($"{path}.{key}", "unknown field");
            }
        }

        return null;
    }

    private static (string, string)? Name(JsonObject node, string path) =>
        node["name"] is { } name && name.GetValueKind() == JsonValueKind.String && NamePattern().IsMatch(name.GetValue<string>())
            ? null
            : (path + ".name", "1-32 lowercase letters, digits, - or _");

    private static (string, string)? Description(JsonObject node, string path) =>
        node["description"] is { } text && text.GetValueKind() == JsonValueKind.String && text.GetValue<string>().Length is >= 1 and <= 100
            ? null
            : (path + ".description", "1-100 characters");

    private static int? Integer(JsonNode? node) =>
        node is not null && node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var value) ? value : null;

    /// <summary>Null when absent; whether every member is an integer in the range.</summary>
    private static bool? Members(JsonNode? node, int least, int most) =>
        node is null ? null : node is JsonArray values && values.All(v => Integer(v) is { } n && n >= least && n <= most);

    [GeneratedRegex(@"^[-_\p{Ll}\p{N}]{1,32}$")]
    private static partial Regex NamePattern();
}
