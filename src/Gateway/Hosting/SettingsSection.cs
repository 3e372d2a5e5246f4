using System.Collections;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// One configuration section: the settings it accepts and what each may hold. The one place per section that both the
/// check before anything starts (<see cref="StartupCheck"/>, which also refuses unknown command-line options) and the
/// options validation on start (<see cref="SectionValidator{TOptions}"/>) read.
/// </summary>
/// <param name="name">The section, as in <c>--Name:Key=value</c>.</param>
/// <param name="parts">The parts of the bot that read it; a process that hosts none of them leaves its values alone.</param>
/// <param name="check">A rule over several settings or beyond the values (a directory that must exist): the problem, or null.</param>
public sealed class SettingsSection(string name, HostedParts parts, Func<IConfiguration, string?>? check = null) : IEnumerable<SettingsSection.Setting>
{
    private readonly List<Setting> _settings = [];

    /// <summary>A setting, relative to the section (<c>Sqlite:DataSource</c>); without a rule it is accepted as given.</summary>
    public sealed record Setting(string Key, HostedParts Parts, string? Allowed, Func<string, bool>? IsValid);

    public string Name { get; } = name;

    public HostedParts Parts { get; } = parts;

    /// <summary>A setting taken as given: a secret (checked elsewhere), an array, free text judged by its own rules.</summary>
    public void Add(string key) => _settings.Add(new(key, Parts, null, null));

    /// <param name="key">The setting, relative to the section.</param>
    /// <param name="allowed">What is allowed, as the one line says it ("a TCP port from 1 to 65535").</param>
    /// <param name="isValid">Judges the raw value whenever the setting is given.</param>
    public void Add(string key, string allowed, Func<string, bool> isValid) => _settings.Add(new(key, Parts, allowed, isValid));

    /// <summary>A setting read by only some of the section's parts.</summary>
    public void Add(string key, HostedParts readBy, string allowed, Func<string, bool> isValid) => _settings.Add(new(key, readBy, allowed, isValid));

    /// <summary>Whether <paramref name="key"/> (relative to the section) names a setting, or an element below one (<c>FallbackModels:0</c>).</summary>
    public bool Knows(string key) =>
        _settings.Any(s => key.Equals(s.Key, StringComparison.OrdinalIgnoreCase) || key.StartsWith(s.Key + ":", StringComparison.OrdinalIgnoreCase));

    /// <summary>The first problem with this section's values for a process hosting <paramref name="hosted"/>, as one line, or null.</summary>
    public string? FindProblem(IConfiguration configuration, HostedParts hosted)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var setting in _settings)
        {
            if ((setting.Parts & hosted) == 0 || setting.IsValid is null)
            {
                continue;
            }

            var key = $"{Name}:{setting.Key}";
            if (configuration[key] is { } value && !setting.IsValid(value))
            {
                return Describe(key, value, setting.Allowed!);
            }
        }

        return (Parts & hosted) != 0 ? check?.Invoke(configuration) : null;
    }

    /// <summary>"SETTING = 'value' is not valid; expected what is allowed." A secret's value is never shown.</summary>
    public static string Describe(string key, string value, string allowed)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var flat = WellKnownVariables.ToConfigurationKeys.FirstOrDefault(p => p.Value.Equals(key, StringComparison.OrdinalIgnoreCase)).Key;
        var setting = flat is null ? key : $"{flat} ({key})";
        var shown = SettingRules.IsSecret(key) ? "(value not shown)" : $"'{SettingRules.Shorten(value)}'";
        return $"{setting} = {shown} is not valid; expected {allowed}.";
    }

    public IEnumerator<Setting> GetEnumerator() => _settings.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The value rules the sections share.</summary>
public static class SettingRules
{
    public const string Port = "a TCP port from 1 to 65535";
    public const string PortOrZero = "a TCP port from 0 to 65535 (0: any free port)";
    public const string TrueOrFalse = "true or false";
    public const string IpAddress = "an IP address such as 127.0.0.1 or ::1";

    private static readonly HashSet<string> SecretKeys = new(StringComparer.OrdinalIgnoreCase) { "Discord:Token", "Gemini:ApiKey" };

    public static bool IsSecret(string key) => SecretKeys.Contains(key);

    public static bool IsBool(string value) => bool.TryParse(value, out _);

    public static bool IsIpAddress(string value) => IPAddress.TryParse(value, out _);

    public static bool IsInt(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max;

    public static bool IsDuration(string value, TimeSpan min) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration >= min;

    public static bool IsUrl(string value, params string[] schemes) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase);

    public static string Shorten(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var oneLine = value.ReplaceLineEndings(" ");
        return oneLine.Length <= 60 ? oneLine : string.Concat(oneLine.AsSpan(0, 60), "...");
    }
}

/// <summary>
/// Validation on start of a section's options, by the section's own rules (<see cref="SettingsSection"/>): the same
/// one line as the check before start, for hosts that build their container without it (tests, embedders).
/// </summary>
public sealed class SectionValidator<TOptions>(IConfiguration configuration, SettingsSection section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        section.FindProblem(configuration, HostedParts.AllInOne) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}

public static class SettingsSectionServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to the section and validates it on start by the section's rules. A value that
    /// does not even convert (<c>UseTls=maybe</c>) is left at its default by the binding, so that the validation, which
    /// reads the raw values, names it in its one line instead of the binder's exception.
    /// </summary>
    public static OptionsBuilder<TOptions> AddSectionOptions<TOptions>(
        this IServiceCollection services, IConfiguration configuration, SettingsSection section, string? name = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, SectionValidator<TOptions>>(
            _ => new SectionValidator<TOptions>(configuration, section)));
        return services.AddOptions<TOptions>(name ?? Options.DefaultName)
            .Configure(options => BindLeniently(configuration.GetSection(section.Name), options))
            .ValidateOnStart();
    }

    private static void BindLeniently(IConfiguration section, object options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException)
        {
            // SectionValidator names the value that did not convert.
        }
    }
}
