using System.Reflection;
using System.Runtime.Loader;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using UserSync.FunctionsHost.Rpc;
using UserSync.Testing;

namespace UserSync.FunctionsHost.Tests;

/// <summary>
/// The stand-in's own function_rpc.proto against the protocol descriptor embedded in the
/// Microsoft.Azure.Functions.Worker.Grpc the app's worker actually runs (loaded from the app's
/// build output), so a Worker upgrade that renumbers, retypes or renames anything we use fails here.
/// </summary>
public sealed class ProtocolDescriptorTests
{
    [Fact]
    public void Every_message_field_enum_and_method_of_our_proto_is_the_workers_own()
    {
        var theirs = EmbeddedDescriptor();

        var differences = DescriptorComparison.Differences(FunctionRpcReflection.Descriptor, theirs);

        Assert.True(differences.Count == 0, "function_rpc.proto differs from the worker's protocol:\n" + string.Join("\n", differences));
        // The comparison really walked the file: the messages we rely on most are there.
        Assert.Contains(theirs.MessageTypes, m => m.Name == "InvocationRequest");
        Assert.True(FunctionRpcReflection.Descriptor.MessageTypes.Count >= 20);
    }

    [Fact]
    public void A_renumbered_field_a_retyped_field_and_a_moved_oneof_member_are_each_reported()
    {
        var proto = FunctionRpcReflection.Descriptor.ToProto();
        var invocation = proto.MessageType.Single(m => m.Name == "InvocationRequest");
        invocation.Field.Single(f => f.Name == "trace_context").Number = 7;
        var log = proto.MessageType.Single(m => m.Name == "RpcLog");
        log.Field.Single(f => f.Name == "message").Type = FieldDescriptorProto.Types.Type.Bytes;
        var typed = proto.MessageType.Single(m => m.Name == "TypedData");
        typed.Field.Single(f => f.Name == "json").ClearOneofIndex();
        var altered = FileDescriptor.BuildFromByteStrings([
            Google.Protobuf.WellKnownTypes.Duration.Descriptor.File.ToProto().ToByteString(),
            proto.ToByteString(),
        ])[^1];

        var differences = DescriptorComparison.Differences(altered, EmbeddedDescriptor());

        Assert.Contains(differences, d => d.StartsWith("AzureFunctionsRpcMessages.InvocationRequest.trace_context = 7", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("AzureFunctionsRpcMessages.RpcLog.message = 4: type Bytes is String", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("AzureFunctionsRpcMessages.TypedData.json = 2: oneof (none) is data", StringComparison.Ordinal));
    }

    /// <summary>
    /// FunctionRpcReflection.Descriptor of the worker's gRPC assembly: internal, so reached by
    /// reflection, in a load context of its own that shares this process's Google.Protobuf.
    /// </summary>
    internal static FileDescriptor EmbeddedDescriptor()
    {
        var path = Path.Combine(FunctionAppBuild.Directory, "Microsoft.Azure.Functions.Worker.Grpc.dll");
        Assert.True(File.Exists(path), $"the function app's build output has no {Path.GetFileName(path)}: is src/UserSync.Functions a dotnet-isolated app, and built?");
        var context = new WorkerGrpcLoadContext(FunctionAppBuild.Directory);
        var assembly = context.LoadFromAssemblyPath(path);
        var reflection = assembly.GetTypes().Single(t => t.Name == "FunctionRpcReflection");
        var descriptor = reflection.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null);
        return Assert.IsType<FileDescriptor>(descriptor);
    }

    private sealed class WorkerGrpcLoadContext(string directory) : AssemblyLoadContext(isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name == typeof(IMessage).Assembly.GetName().Name)
            {
                return null; // the default context's Google.Protobuf: FileDescriptor must be one type on both sides
            }

            var candidate = Path.Combine(directory, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
