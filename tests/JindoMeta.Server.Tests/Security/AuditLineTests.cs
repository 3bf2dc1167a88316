using JindoMeta.Namespace.Model;
using JindoMeta.Server.Audit;

namespace JindoMeta.Server.Tests.Security;

/// <summary>The text of an audit line, against what HDFS writes (FsPermission.toString, escapeJava of src and dst).</summary>
public sealed class AuditLineTests
{
    [Fact]
    public void A_sticky_directory_with_execute_for_others_ends_its_mode_with_t_as_hadoop_writes_it()
    {
        var status = new FileStatus("/tmp", new InodeRecord
        {
            Id = 2, Type = InodeType.Directory, Permission = 0x3FF, Owner = "hdfs", Group = "supergroup", ModificationTime = 0, AccessTime = 0, // 1777
        });

        var line = AuditLine.Format(true, "hdfs (auth:SIMPLE)", "10.0.0.7", "setPermission", "/tmp", null, status, "prod");

        Assert.Equal("allowed=true\tugi=hdfs (auth:SIMPLE)\tip=/10.0.0.7\tcmd=setPermission\tsrc=/tmp\tdst=null\tperm=hdfs:supergroup:rwxrwxrwt\tproto=rpc\tns=prod", line);
    }

    [Fact]
    public void Characters_beyond_ascii_are_escaped_per_utf16_unit_in_src_and_dst_and_nowhere_else()
    {
        var line = AuditLine.Format(false, "bob (auth:SIMPLE)", "127.0.0.1", "rename", "/\u4e2d\r", "/\U0001F600\u007f\b\f", null, "test");

        Assert.Equal("allowed=false\tugi=bob (auth:SIMPLE)\tip=/127.0.0.1\tcmd=rename\tsrc=/\\u4E2D\\r\tdst=/\\uD83D\\uDE00\u007f\\b\\f\tperm=null\tproto=rpc\tns=test", line);
    }
}
