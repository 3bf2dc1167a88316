using System.Runtime.InteropServices;

namespace JindoMeta.RocksDb.Handles;

/// <summary>
/// A native object that must be destroyed before the objects it depends on (reference §2.2): it takes a
/// reference on each parent handle before its native object exists and releases them only after destroying it.
/// SafeHandle defers a parent's release until its count reaches zero, so any Dispose or finalizer order is safe.
/// </summary>
internal abstract class DependentHandle : SafeHandle
{
    private SafeHandle? _parent0;
    private SafeHandle? _parent1;
    private SafeHandle? _parent2;

    protected DependentHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Takes a reference on <paramref name="parent"/>; throws ObjectDisposedException if it is closed.</summary>
    internal void Retain(SafeHandle parent)
    {
        var added = false;
        parent.DangerousAddRef(ref added);
        if (_parent0 is null)
        {
            _parent0 = parent;
        }
        else if (_parent1 is null)
        {
            _parent1 = parent;
        }
        else if (_parent2 is null)
        {
            _parent2 = parent;
        }
        else
        {
            parent.DangerousRelease();
            throw new InvalidOperationException("A dependent handle holds at most three parents.");
        }
    }

    /// <summary>Takes ownership of the native object created after the parents were retained.</summary>
    internal void Attach(nint native) => SetHandle(native);

    /// <summary>Undoes the parent references when the native create call failed (ReleaseHandle never runs then).</summary>
    internal void AbandonIfUnattached()
    {
        if (handle != 0)
        {
            return;
        }

        ReleaseParents();
        SetHandleAsInvalid();
    }

    protected abstract void DestroyNative(nint native);

    protected sealed override bool ReleaseHandle()
    {
        DestroyNative(handle);
        ReleaseParents();
        return true;
    }

    private void ReleaseParents()
    {
        _parent2?.DangerousRelease();
        _parent1?.DangerousRelease();
        _parent0?.DangerousRelease();
        _parent0 = _parent1 = _parent2 = null;
    }
}
