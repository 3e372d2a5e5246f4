using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Chorus.Discord.Tests")]
