using System.Diagnostics.Metrics;

namespace Chorus.Diagnostics;

/// <summary>
/// Every value recorded on one <c>double</c> histogram of one <see cref="Meter"/> instance, in order: for the few
/// histograms whose single values a reader wants (a handover's gap), where <see cref="MeterTotals"/> keeps sums of counters.
/// Keeps each measurement, so it is for instruments recorded a handful of times, not per packet.
/// </summary>
public sealed class HistogramValues : IDisposable
{
    private readonly Meter _meter;
    private readonly string _instrumentName;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<double> _values = [];

    /// <summary>Starts listening to the histogram <paramref name="instrumentName"/> of <paramref name="meter"/>, also if it is created later.</summary>
    public HistogramValues(Meter meter, string instrumentName)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentException.ThrowIfNullOrEmpty(instrumentName);
        _meter = meter;
        _instrumentName = instrumentName;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter) && instrument is Histogram<double> && instrument.Name == _instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, measurement, _, _) =>
        {
            lock (_gate)
            {
                _values.Add(measurement);
            }
        });
        _listener.Start();
    }

    /// <summary>The values recorded so far, oldest first.</summary>
    public IReadOnlyList<double> Values
    {
        get
        {
            lock (_gate)
            {
                return [.. _values];
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"values of {_instrumentName} on meter {_meter.Name}";
}
