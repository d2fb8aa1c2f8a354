namespace DslSft.Metrics;

/// <summary>
/// Extracts entity chunks from a tag sequence exactly as seqeval's default (CoNLL, non-strict) mode does:
/// a chunk ends and a new one starts on B-, on S-, after E-, on a change of type, and when I- or E-
/// follows O (so an I- without a B- still starts an entity). IOB1, IOB2 and IOBES tags all work.
/// </summary>
public static class EntityChunker
{
    public static List<EntitySpan> Chunks(IReadOnlyList<string> tags, int offset = 0)
    {
        var chunks = new List<EntitySpan>();
        char previousTag = 'O';
        string previousType = "";
        int begin = 0;
        for (int i = 0; i <= tags.Count; i++)
        {
            // A virtual trailing O closes the last chunk.
            var (tag, type) = i < tags.Count ? Split(tags[i]) : ('O', "_");
            if (EndsChunk(previousTag, tag, previousType, type)) chunks.Add(new EntitySpan(previousType, offset + begin, offset + i - 1));
            if (StartsChunk(previousTag, tag, previousType, type)) begin = i;
            previousTag = tag;
            previousType = type;
        }
        return chunks;
    }

    /// <summary>seqeval: the prefix is the first character; the type is what follows the first '-', or "_" if empty.</summary>
    private static (char, string) Split(string chunk)
    {
        if (chunk.Length == 0) return ('O', "_");
        var rest = chunk[1..];
        int dash = rest.IndexOf('-');
        var type = dash >= 0 ? rest[(dash + 1)..] : rest;
        return (chunk[0], type.Length == 0 ? "_" : type);
    }

    private static bool EndsChunk(char previousTag, char tag, string previousType, string type) =>
        previousTag is 'E' or 'S'
        || (previousTag is 'B' or 'I' && tag is 'B' or 'S' or 'O')
        || (previousTag != 'O' && previousTag != '.' && previousType != type);

    private static bool StartsChunk(char previousTag, char tag, string previousType, string type) =>
        tag is 'B' or 'S'
        || (previousTag is 'E' or 'S' or 'O' && tag is 'E' or 'I')
        || (tag != 'O' && tag != '.' && previousType != type);
}
