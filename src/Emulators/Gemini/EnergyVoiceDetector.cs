using System.Buffers.Binary;

namespace Chorus.Emulators.Gemini;

/// <summary>
/// Server-side energy VAD over 16 kHz PCM16 in 20 ms frames, timed by audio samples (not wall clock) so
/// tests are deterministic. Keeps the current utterance for the echo reply.
/// </summary>
internal sealed class EnergyVoiceDetector
{
    private const int FrameSamples = 320;
    private const int FrameBytes = FrameSamples * 2;

    private readonly double _threshold;
    private readonly int _startFrames;
    private readonly int _endFrames;
    private readonly byte[] _frame = new byte[FrameBytes];
    private readonly MemoryStream _utterance = new();
    private int _frameFill;
    private int _loudRun;
    private int _quietRun;

    public EnergyVoiceDetector(double threshold, TimeSpan speechStart, TimeSpan endSilence)
    {
        _threshold = threshold;
        _startFrames = Math.Max(1, (int)(speechStart.TotalMilliseconds / 20));
        _endFrames = Math.Max(1, (int)(endSilence.TotalMilliseconds / 20));
    }

    public bool Speaking { get; private set; }

    /// <summary>Frames at speech level seen so far (a chunk that raised it carried speech).</summary>
    public long LoudFrames { get; private set; }

    public event Action? SpeechStarted;

    public event Action<byte[]>? SpeechEnded;

    public void Process(ReadOnlySpan<byte> pcm16k)
    {
        while (!pcm16k.IsEmpty)
        {
            var take = Math.Min(FrameBytes - _frameFill, pcm16k.Length);
            pcm16k[..take].CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            pcm16k = pcm16k[take..];
            if (_frameFill == FrameBytes)
            {
                _frameFill = 0;
                ProcessFrame();
            }
        }
    }

    /// <summary><c>audioStreamEnd</c>: the user's audio stopped, so the utterance has ended.</summary>
    public void StreamEnded()
    {
        if (Speaking)
        {
            EndSpeech();
        }

        _loudRun = 0;
    }

    private void ProcessFrame()
    {
        double sum = 0;
        for (var i = 0; i < FrameSamples; i++)
        {
            double sample = BinaryPrimitives.ReadInt16LittleEndian(_frame.AsSpan(i * 2));
            sum += sample * sample;
        }

        var loud = Math.Sqrt(sum / FrameSamples) >= _threshold;
        if (loud)
        {
            LoudFrames++;
        }

        if (Speaking)
        {
            _utterance.Write(_frame);
            _quietRun = loud ? 0 : _quietRun + 1;
            if (_quietRun >= _endFrames)
            {
                EndSpeech();
            }

            return;
        }

        _loudRun = loud ? _loudRun + 1 : 0;
        _utterance.Write(_frame);
        if (!loud && _utterance.Length > FrameBytes * 10)
        {
            // Keep a short pre-roll only.
            _utterance.SetLength(0);
        }

        if (_loudRun >= _startFrames)
        {
            Speaking = true;
            _quietRun = 0;
            SpeechStarted?.Invoke();
        }
    }

    private void EndSpeech()
    {
        Speaking = false;
        _loudRun = 0;
        var utterance = _utterance.ToArray();
        _utterance.SetLength(0);
        SpeechEnded?.Invoke(utterance);
    }
}
