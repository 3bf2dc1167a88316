using System.Collections.Frozen;

namespace JindoMeta.Rpc.Server;

/// <summary>
/// The services a server offers, looked up by request path. Services are added at startup; lookups read an
/// immutable snapshot, so they take no lock.
/// </summary>
public sealed class GrpcServiceRegistry
{
    private readonly Lock _gate = new();
    private FrozenDictionary<string, ServerMethod> _methods = FrozenDictionary<string, ServerMethod>.Empty;
    private IReadOnlyList<GrpcServiceDefinition> _services = [];

    public IReadOnlyList<GrpcServiceDefinition> Services => _services;

    public void Add(GrpcServiceDefinition service)
    {
        lock (_gate)
        {
            if (_services.Any(s => s.FullName == service.FullName))
            {
                throw new ArgumentException($"Service {service.FullName} is registered twice.", nameof(service));
            }

            var methods = _methods.ToDictionary(StringComparer.Ordinal);
            foreach (var method in service.Methods)
            {
                methods.Add(method.Path, method);
            }

            _methods = methods.ToFrozenDictionary(StringComparer.Ordinal);
            _services = [.. _services, service];
        }
    }

    internal bool TryGetMethod(string path, out ServerMethod method) => _methods.TryGetValue(path, out method!);
}
