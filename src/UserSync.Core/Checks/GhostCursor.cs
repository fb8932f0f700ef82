namespace UserSync.Core.Checks;

/// <summary>
/// The opaque keyset cursor of the ghost list: the last id of a page, base64url-encoded, so a
/// caller pages with it without handling ids. Anything that does not decode to 16 bytes is rejected.
/// </summary>
public static class GhostCursor
{
    public static string Encode(Guid lastId) =>
        Convert.ToBase64String(lastId.ToByteArray(bigEndian: true)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? cursor, out Guid lastId)
    {
        lastId = Guid.Empty;
        if (cursor is null || cursor.Length != 22)
        {
            return false;
        }

        var base64 = cursor.Replace('-', '+').Replace('_', '/') + "==";
        var bytes = new byte[18];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 16)
        {
            return false;
        }

        lastId = new Guid(bytes.AsSpan(0, 16), bigEndian: true);
        return Encode(lastId) == cursor;
    }
}
