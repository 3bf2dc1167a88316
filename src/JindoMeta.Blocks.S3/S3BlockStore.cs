using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace JindoMeta.Blocks.S3;

/// <summary>
/// Block objects in an S3 bucket. A block of at most one part is one PUT; a larger one is a multipart upload whose
/// next part is filled while up to four are sent, and which is aborted when the write is abandoned (so nothing
/// partial is ever visible under the object's name).
/// </summary>
public sealed class S3BlockStore : IBlockStore
{
    /// <summary>Parts of a multipart upload (S3's minimum is 5 MiB for every part but the last).</summary>
    public const int PartBytes = 8 * 1024 * 1024;

    /// <summary>Parts of one upload on the wire at once (each holds its own part-sized buffer).</summary>
    public const int PartsInFlight = 4;

    /// <summary>
    /// False: bodies go as plain Content-Length payloads whose SHA-256 is in the signature, not as aws-chunked
    /// streaming SigV4 (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), which the SDK picks over http. Not every S3-compatible
    /// store decodes aws-chunked: s3rver 3.7.1 stored the chunk headers and signatures as object bytes (a 14-byte
    /// object became 186). The cost is one SHA-256 pass over each body before it is sent.
    /// </summary>
    private const bool SendsChunkEncoding = false;

    private readonly AmazonS3Client _client;
    private readonly S3StoreOptions _options;

    public S3BlockStore(S3StoreOptions options)
    {
        _options = options;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.PathStyle,
            AuthenticationRegion = options.Region,
            // Checksums only where S3 requires them: our objects carry their own CRC32C per 512 bytes, and
            // S3-compatible stores do not all accept the SDK's trailing-checksum uploads.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        _client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public string Type => "s3";

    public string Location => _options.ToString();

    public int PreferredReadBytes => PartBytes;

    public ValueTask<IObjectWriter> OpenWriteAsync(string objectName, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IObjectWriter>(new S3ObjectWriter(this, KeyOf(objectName)));

    public async ValueTask ReadAsync(string objectName, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.Length == 0)
        {
            return;
        }

        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _options.Bucket,
                Key = KeyOf(objectName),
                ByteRange = new ByteRange(offset, offset + destination.Length - 1),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            // Only a missing key: a missing bucket is a misconfigured store, not a lost block, and must not look like one.
            throw new BlockNotFoundException($"Block object {objectName} is not in {Location}");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            throw new InvalidDataException($"Block object {objectName} ends before {offset + destination.Length}");
        }

        using (response)
        {
            var done = 0;
            while (done < destination.Length)
            {
                var read = await response.ResponseStream.ReadAsync(destination[done..], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new InvalidDataException($"Block object {objectName} ends at {offset + done}, before {offset + destination.Length}");
                }

                done += read;
            }
        }
    }

    public async ValueTask DeleteAsync(string objectName, CancellationToken cancellationToken) =>
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = KeyOf(objectName) }, cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _options.Prefix + prefix };
        while (true)
        {
            var page = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.S3Objects ?? [])
            {
                yield return new StoredObject(entry.Key[_options.Prefix.Length..], entry.Size ?? 0, entry.LastModified ?? DateTime.UnixEpoch);
            }

            if (page.IsTruncated != true)
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private string KeyOf(string objectName) => _options.Prefix + objectName;

    /// <summary>One object: buffered up to a part; past it, a multipart upload with up to PartsInFlight parts in flight.</summary>
    private sealed class S3ObjectWriter(S3BlockStore store, string key) : IObjectWriter
    {
        private readonly List<PartETag> _parts = [];
        private readonly Queue<Task> _inFlight = new();
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(PartBytes);
        private int _filled;
        private int _partsStarted;
        private string? _uploadId;
        private bool _committed;
        private bool _disposed;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this); // its buffers are back in the pool
            while (data.Length > 0)
            {
                var take = Math.Min(data.Length, PartBytes - _filled);
                data[..take].CopyTo(_buffer.AsMemory(_filled));
                _filled += take;
                data = data[take..];
                if (_filled == PartBytes)
                {
                    await SendPartAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var client = store._client;
            if (_uploadId is null)
            {
                using var body = new MemoryStream(_buffer, 0, _filled, writable: false);
                await client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = store._options.Bucket,
                    Key = key,
                    InputStream = body,
                    AutoCloseStream = false,
                    UseChunkEncoding = SendsChunkEncoding,
                }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (_filled > 0)
                {
                    await SendPartAsync(cancellationToken).ConfigureAwait(false);
                }

                while (_inFlight.TryDequeue(out var part))
                {
                    await part.ConfigureAwait(false);
                }

                await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = store._options.Bucket,
                    Key = key,
                    UploadId = _uploadId,
                    PartETags = [.. _parts.OrderBy(p => p.PartNumber)],
                }, cancellationToken).ConfigureAwait(false);
            }

            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            // Once: a second dispose would abort again and return the buffer to the pool twice, so that two later
            // writers would be handed the same array.
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            while (_inFlight.TryDequeue(out var part))
            {
                try
                {
                    await part.ConfigureAwait(false); // each returns its own buffer when it ends
                }
                catch (Exception e) when (e is AmazonServiceException or AmazonClientException or IOException or HttpRequestException or OperationCanceledException)
                {
                    // The write failed already; the upload is aborted below.
                }
            }

            if (!_committed && _uploadId is not null)
            {
                try
                {
                    await store._client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = store._options.Bucket, Key = key, UploadId = _uploadId }).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AmazonServiceException or AmazonClientException or IOException or HttpRequestException)
                {
                    // Left to the bucket's lifecycle rule for incomplete uploads; no object is visible either way.
                }
            }

            ArrayPool<byte>.Shared.Return(_buffer);
        }

        /// <summary>
        /// Sends the filled buffer as the next part, with up to <see cref="PartsInFlight"/> parts on the wire at once
        /// (S3 joins parts by number, so they may land in any order); filling goes on in a new buffer meanwhile.
        /// </summary>
        private async Task SendPartAsync(CancellationToken cancellationToken)
        {
            var client = store._client;
            _uploadId ??= (await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = store._options.Bucket, Key = key }, cancellationToken)
                .ConfigureAwait(false)).UploadId;
            if (_inFlight.Count >= PartsInFlight)
            {
                await _inFlight.Dequeue().ConfigureAwait(false);
            }

            var part = _buffer;
            var length = _filled;
            var partNumber = ++_partsStarted;
            _buffer = ArrayPool<byte>.Shared.Rent(PartBytes);
            _filled = 0;
            _inFlight.Enqueue(UploadAsync());

            async Task UploadAsync()
            {
                try
                {
                    using var body = new MemoryStream(part, 0, length, writable: false);
                    var response = await client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = store._options.Bucket,
                        Key = key,
                        UploadId = _uploadId,
                        PartNumber = partNumber,
                        InputStream = body,
                        PartSize = length,
                        UseChunkEncoding = SendsChunkEncoding,
                    }, cancellationToken).ConfigureAwait(false);
                    lock (_parts)
                    {
                        _parts.Add(new PartETag(partNumber, response.ETag));
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(part);
                }
            }
        }
    }
}
