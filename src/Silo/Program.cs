namespace Chorus.Silo;

public static class Program
{
    public static int Main(string[] args) => 0;
}
