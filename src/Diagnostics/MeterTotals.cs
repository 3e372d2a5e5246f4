using System.Diagnostics.Metrics;

namespace Chorus.Diagnostics;

/// <summary>
/// The running sums of every <c>long</c> counter (and up-down counter) of one <see cref="Meter"/> instance, by instrument
/// name and tag values. Components count only on their instruments; whoever needs one component's own numbers (a test,
/// a sandbox scenario, the load harness) gives it a meter of its own and reads the sums here.
/// </summary>
/// <remarks>
/// Recording allocates nothing once a tag combination has been seen: each instrument's state travels with the
/// listener's callback, and the combinations are found by reference (the instruments' tags are built once by their
/// owners). Unlike <c>MetricCollector</c>, nothing per measurement is kept, so it can stay attached through an
/// allocation assertion or a load run of millions of packets.
/// </remarks>
public sealed class MeterTotals : IDisposable
{
    private readonly Meter _meter;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, InstrumentSums> _byName = new(StringComparer.Ordinal);

    /// <summary>Starts listening to <paramref name="meter"/>, including the instruments it creates later.</summary>
    public MeterTotals(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _meter = meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter) && instrument is Counter<long> or UpDownCounter<long>)
            {
                listener.EnableMeasurementEvents(instrument, SumsOf(instrument.Name));
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, measurement, tags, state) => ((InstrumentSums)state!).Add(measurement, tags));
        _listener.Start();
    }

    /// <summary>The sum of every measurement of <paramref name="instrumentName"/>, whatever its tags; 0 before the first.</summary>
    public long Total(string instrumentName) => Sums(instrumentName)?.Total(default, null) ?? 0;

    /// <summary>The sum of the measurements of <paramref name="instrumentName"/> tagged <paramref name="tagKey"/> = <paramref name="tagValue"/>.</summary>
    public long Total(string instrumentName, string tagKey, object tagValue) =>
        Sums(instrumentName)?.Total(tagKey, tagValue) ?? 0;

    /// <summary>The sum of the measurements of <paramref name="instrumentName"/> that carry <paramref name="tag"/> (the very tag its owner records with).</summary>
    public long Total(string instrumentName, KeyValuePair<string, object?> tag) =>
        Total(instrumentName, tag.Key, tag.Value!);

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"totals of meter {_meter.Name}";

    private InstrumentSums? Sums(string instrumentName)
    {
        lock (_gate)
        {
            return _byName.GetValueOrDefault(instrumentName);
        }
    }

    private InstrumentSums SumsOf(string instrumentName)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(instrumentName, out var sums))
            {
                sums = new InstrumentSums();
                _byName.Add(instrumentName, sums);
            }
            return sums;
        }
    }

    private sealed class TagSum(KeyValuePair<string, object?>[] tags)
    {
        public readonly KeyValuePair<string, object?>[] Tags = tags;
        public long Value;

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != Tags.Length)
            {
                return false;
            }
            for (var i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(tags[i].Key, Tags[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, Tags[i].Value))
                {
                    return false;
                }
            }
            return true;
        }

        public bool Has(string key, object value)
        {
            foreach (var tag in Tags)
            {
                if (string.Equals(tag.Key, key, StringComparison.Ordinal) && Equals(tag.Value, value))
                {
                    return true;
                }
            }
            return false;
        }
    }

    private sealed class InstrumentSums
    {
        private readonly Lock _gate = new();
        // Copied on write: readers and recorders scan a snapshot without a lock; a new combination is rare.
        private TagSum[] _sums = [];

        public void Add(long measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var sum = Find(Volatile.Read(ref _sums), tags);
            if (sum is null)
            {
                lock (_gate)
                {
                    sum = Find(_sums, tags);
                    if (sum is null)
                    {
                        sum = new TagSum(tags.ToArray());
                        Volatile.Write(ref _sums, [.. _sums, sum]);
                    }
                }
            }
            Interlocked.Add(ref sum.Value, measurement);
        }

        public long Total(string? key, object? value)
        {
            long total = 0;
            foreach (var sum in Volatile.Read(ref _sums))
            {
                if (key is null || sum.Has(key, value!))
                {
                    total += Interlocked.Read(ref sum.Value);
                }
            }
            return total;
        }

        private static TagSum? Find(TagSum[] sums, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var sum in sums)
            {
                if (sum.Matches(tags))
                {
                    return sum;
                }
            }
            return null;
        }
    }
}
