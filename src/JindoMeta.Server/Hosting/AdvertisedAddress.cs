namespace JindoMeta.Server.Hosting;

/// <summary>The host:port clients should use for this node; known only once Kestrel has bound its port.</summary>
public sealed class AdvertisedAddress(string initial)
{
    private volatile string _value = initial;

    public string Value
    {
        get => _value;
        set => _value = value;
    }
}
