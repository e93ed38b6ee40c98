namespace DeepLearningCourse.Data;

/// <summary>
/// A text as a sequence of characters for the character-level RNN: the vocabulary (every distinct
/// character, in ordinal order) and the text encoded as indices into it.
/// </summary>
public sealed class CharacterCorpus
{
    readonly Dictionary<char, int> index;

    /// <summary>Builds the vocabulary of <paramref name="text"/> and encodes it.</summary>
    public CharacterCorpus(string text, string source)
    {
        if (text.Length == 0) throw new ArgumentException("The text is empty.", nameof(text));
        Text = text;
        Source = source;
        Chars = text.Distinct().Order().ToArray();
        index = Chars.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        Encoded = Encode(text);
    }

    /// <summary>
    /// Reads a UTF-8 text file, line endings normalised to \n so the vocabulary does not depend on the
    /// platform, keeping at most <paramref name="maxChars"/> characters.
    /// </summary>
    public static string ReadText(string path, int? maxChars = null)
    {
        string text;
        try { text = File.ReadAllText(path, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true)); }
        catch (System.Text.DecoderFallbackException e) { throw new DataFormatException(path, $"not valid UTF-8 text ({e.Message})"); }
        text = text.Replace("\r\n", "\n");
        if (text.Length == 0) throw new DataFormatException(path, "the file is empty");
        return maxChars is int limit && text.Length > limit ? text[..limit] : text;
    }

    /// <summary>The text itself.</summary>
    public string Text { get; }

    /// <summary>Every distinct character, in ordinal order; a character's position is its index.</summary>
    public IReadOnlyList<char> Chars { get; }

    /// <summary>The text as indices into <see cref="Chars"/>.</summary>
    public long[] Encoded { get; }

    /// <summary>One line saying which text this is: canonical or offline stand-in, and its length.</summary>
    public string Source { get; }

    /// <summary>Indices of the characters of <paramref name="text"/>; a character outside the vocabulary is an error.</summary>
    public long[] Encode(string text) => text.Select(c => index.TryGetValue(c, out var i)
        ? (long)i
        : throw new ArgumentException($"'{c}' (U+{(int)c:X4}) is not in the corpus's vocabulary.", nameof(text))).ToArray();

    /// <summary>The text that <paramref name="indices"/> encode.</summary>
    public string Decode(IEnumerable<long> indices) => new(indices.Select(i => Chars[(int)i]).ToArray());

    /// <inheritdoc/>
    public override string ToString() => Source;
}
