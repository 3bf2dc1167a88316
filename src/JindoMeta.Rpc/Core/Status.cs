namespace JindoMeta.Rpc;

/// <summary>The outcome of a call: a code and a human-readable detail (sent as grpc-message).</summary>
public readonly record struct Status(StatusCode Code, string Detail)
{
    public static readonly Status Ok = new(StatusCode.OK, string.Empty);

    public bool IsOk => Code == StatusCode.OK;

    public override string ToString() => Detail.Length == 0 ? Code.ToString() : $"{Code}: {Detail}";
}
