namespace JindoMeta.TableStore.PlainBuffer;

/// <summary>A PlainBuffer field is malformed: truncated, a wrong tag, or a checksum that does not match.</summary>
public sealed class PlainBufferException : FormatException
{
    public PlainBufferException(string message) : base(message)
    {
    }

    public PlainBufferException()
    {
    }

    public PlainBufferException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
