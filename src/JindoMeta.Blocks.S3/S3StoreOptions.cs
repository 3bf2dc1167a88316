namespace JindoMeta.Blocks.S3;

/// <summary>An S3-compatible bucket (the namespace.blockstore.s3.* keys). The keys are secrets: never log them.</summary>
/// <param name="Endpoint">The service URL (http(s)://host:port); null means AWS for <paramref name="Region"/>.</param>
/// <param name="Prefix">Prepended to every object name ("" or e.g. "jindometa/").</param>
/// <param name="PathStyle">endpoint/bucket/key (MinIO, most non-AWS stores) rather than bucket.endpoint/key.</param>
public sealed record S3StoreOptions(Uri? Endpoint, string Bucket, string Region, string AccessKey, string SecretKey, string Prefix, bool PathStyle)
{
    /// <summary>For logs and status: no keys.</summary>
    public override string ToString() => $"s3://{Bucket}/{Prefix}" + (Endpoint is null ? "" : $" at {Endpoint}");
}
