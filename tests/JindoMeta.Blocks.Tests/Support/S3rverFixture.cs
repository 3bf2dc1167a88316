using Amazon.Runtime;
using Amazon.S3;
using JindoMeta.Blocks.S3;

namespace JindoMeta.Blocks.Tests.Support;

/// <summary>One s3rver per test class (a class fixture); each test keeps to its own key prefix in its bucket.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    private S3rverProcess? _server;

    internal S3rverProcess Server => _server ?? throw new InvalidOperationException("s3rver is not started");

    /// <summary>The store's options for this server, under <paramref name="prefix"/>.</summary>
    public S3StoreOptions Options(string prefix) =>
        new(Server.Endpoint, Server.Bucket, "us-east-1", Server.AccessKey, Server.SecretKey, prefix, PathStyle: true);

    /// <summary>A plain SDK client for the same bucket, to look at or damage objects behind the store's back.</summary>
    public AmazonS3Client RawClient() => new(new BasicAWSCredentials(Server.AccessKey, Server.SecretKey), new AmazonS3Config
    {
        ServiceURL = Server.Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public async Task InitializeAsync() => _server = await S3rverProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
