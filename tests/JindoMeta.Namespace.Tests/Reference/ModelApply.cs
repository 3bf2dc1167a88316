using JindoMeta.Namespace.Backend;

namespace JindoMeta.Namespace.Tests.Reference;

/// <summary>Applies one <see cref="ModelOperation"/> to the model or a backend and returns the outcome as text.</summary>
public static class ModelApply
{
    public static string Apply(ReferenceNamespace model, ModelOperation operation, long timeMs) => operation switch
    {
        SubmitOperation o => ModelText.Outcome(model.Execute(o.Command, timeMs), ModelText.Status),
        GetFileInfoOperation o => ModelText.Outcome(model.GetFileInfo(o.Path, o.Caller), ModelText.Status),
        ListStatusOperation o => ModelText.Outcome(model.ListStatus(o.Path, o.StartAfter, o.Limit, o.Caller), ModelText.Listing),
        ContentSummaryOperation o => ModelText.Outcome(model.GetContentSummary(o.Path, o.Caller), ModelText.Summary),
        _ => throw new ArgumentException($"unknown operation {operation}", nameof(operation)),
    };

    public static async Task<string> ApplyAsync(INamespaceBackend backend, ModelOperation operation) => operation switch
    {
        SubmitOperation o => ModelText.Outcome(await backend.SubmitAsync(o.Command), ModelText.Status),
        GetFileInfoOperation o => ModelText.Outcome(await backend.GetFileInfoAsync(o.Path, o.Caller), ModelText.Status),
        ListStatusOperation o => ModelText.Outcome(await backend.ListStatusAsync(o.Path, o.StartAfter, o.Limit, o.Caller), ModelText.Listing),
        ContentSummaryOperation o => ModelText.Outcome(await backend.GetContentSummaryAsync(o.Path, o.Caller), ModelText.Summary),
        _ => throw new ArgumentException($"unknown operation {operation}", nameof(operation)),
    };
}
