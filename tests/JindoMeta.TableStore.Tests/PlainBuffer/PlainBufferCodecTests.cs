using JindoMeta.TableStore.PlainBuffer;

namespace JindoMeta.TableStore.Tests.PlainBuffer;

public sealed class PlainBufferCodecTests
{
    private const string ExampleRowHex = "7500000001030402000000706b05060000000301000000610ad4030402000000696405090000000001000000000000000a0a0203040100000063050700000003020000007879072edb20c88c0100000a8409f0";

    [Fact]
    public void Crc8_check_value_is_0xF4()
    {
        Assert.Equal(0xF4, Crc8.Update(0, "123456789"u8));
    }

    [Fact]
    public void Encodes_the_protocol_worked_examples()
    {
        var key = PrimaryKey.Of(("pk", "a"), ("id", 1L));
        Assert.Equal(ExampleRowHex, Convert.ToHexStringLower(PlainBufferWriter.EncodeRow(key, [new Column("c", "xy", 1704164645678)])));
        Assert.Equal("7500000001030402000000706b05060000000301000000610ad409ee", Convert.ToHexStringLower(PlainBufferWriter.EncodeKey(PrimaryKey.Of(("pk", "a")))));
        Assert.Equal("7500000001030402000000706b05060000000301000000610ad40809e9", Convert.ToHexStringLower(PlainBufferWriter.EncodeDelete(PrimaryKey.Of(("pk", "a")))));
    }

    [Fact]
    public void Decodes_what_it_encodes_including_update_operations()
    {
        var key = PrimaryKey.Of(("k", new byte[] { 1, 2 }), ("n", -7L));
        ColumnUpdate[] updates = [ColumnUpdate.Put("é", "ünï", 5), ColumnUpdate.DeleteVersion("d", 9), ColumnUpdate.DeleteAllVersions("x"), ColumnUpdate.Increment("c", -3)];
        var row = PlainBufferReader.ReadSingleRow(PlainBufferWriter.EncodeUpdate(key, updates));
        Assert.Equal(key, row.Key);
        Assert.Equal(updates, row.Cells.Select(c => new ColumnUpdate(c.Name, c.CellOperation, c.Value, c.Timestamp)));
    }

    [Fact]
    public void Ignores_trailing_zero_padding_but_not_other_trailing_bytes()
    {
        var bytes = Convert.FromHexString(ExampleRowHex + "0000");
        Assert.Equal(2, PlainBufferReader.ReadSingleRow(bytes).Key.Count);
        var garbage = Convert.FromHexString(ExampleRowHex + "01");
        Assert.Throws<PlainBufferException>(() => PlainBufferReader.ReadSingleRow(garbage));
    }

    [Fact]
    public void Every_truncation_is_reported_not_crashed()
    {
        var bytes = Convert.FromHexString(ExampleRowHex);
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<PlainBufferException>(() => PlainBufferReader.ReadSingleRow(bytes.AsSpan(0, length)));
            Assert.False(string.IsNullOrEmpty(error.Message));
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_detected_or_decodes_differently()
    {
        var bytes = Convert.FromHexString(ExampleRowHex);
        var original = PlainBufferReader.ReadSingleRow(bytes).ToRow().ToString();
        for (var i = 0; i < bytes.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])bytes.Clone();
                copy[i] ^= (byte)(1 << bit);
                try
                {
                    var decoded = PlainBufferReader.ReadSingleRow(copy).ToRow().ToString();
                    Assert.NotEqual(original, decoded);
                }
                catch (PlainBufferException)
                {
                    // Detected: the expected outcome for almost every flip.
                }
            }
        }
    }

    [Fact]
    public void Bad_cell_checksum_names_the_mismatch()
    {
        var bytes = Convert.FromHexString(ExampleRowHex);
        bytes[25] ^= 0xFF;
        var error = Assert.Throws<PlainBufferException>(() => PlainBufferReader.ReadSingleRow(bytes));
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_factory_names_the_missing_key_and_never_prints_the_secret()
    {
        var settings = new Dictionary<string, string>
        {
            [TableStoreOptions.EndpointKey] = "http://127.0.0.1:8080",
            [TableStoreOptions.InstanceKey] = "emr-jfs",
            [TableStoreOptions.AccessKeyKey] = "id",
        };
        var missing = Assert.Throws<ArgumentException>(() => TableStoreOptions.FromSettings(settings));
        Assert.Contains(TableStoreOptions.AccessSecretKey, missing.Message, StringComparison.Ordinal);
        settings[TableStoreOptions.AccessSecretKey] = "s3cr3t-value";
        settings[TableStoreOptions.StsTokenKey] = "sts-t0ken-value";
        var options = TableStoreOptions.FromSettings(settings);
        Assert.Equal("sts-t0ken-value", options.SecurityToken);
        Assert.DoesNotContain("s3cr3t", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("t0ken", options.ToString(), StringComparison.Ordinal);
        settings[TableStoreOptions.EndpointKey] = "ftp://x";
        Assert.Contains(TableStoreOptions.EndpointKey, Assert.Throws<ArgumentException>(() => TableStoreOptions.FromSettings(settings)).Message, StringComparison.Ordinal);
        settings[TableStoreOptions.EndpointKey] = "http://h";
        settings[TableStoreOptions.InstanceKey] = "-bad";
        Assert.Contains(TableStoreOptions.InstanceKey, Assert.Throws<ArgumentException>(() => TableStoreOptions.FromSettings(settings)).Message, StringComparison.Ordinal);
    }
}
