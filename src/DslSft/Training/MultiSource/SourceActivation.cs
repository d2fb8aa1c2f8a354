namespace DslSft.Training.MultiSource;

/// <summary>
/// Makes each source's own adaptation (for example its language SFT) active while that source's batch runs
/// forward and backward, as composable-sft's MultiSourcePlugin: <c>apply(source)</c> before, <c>revert(source)</c>
/// after, even when the step throws. Plug <see cref="Enter"/> into the trainer's batch scope.
/// </summary>
public sealed class SourceActivation<TBatch>
{
    private readonly Action<string> _apply;
    private readonly Action<string> _revert;

    public SourceActivation(Action<string> apply, Action<string> revert)
    {
        _apply = apply;
        _revert = revert;
    }

    public IDisposable Enter(SourcedBatch<TBatch> batch)
    {
        _apply(batch.Source);
        return new Revert(() => _revert(batch.Source));
    }

    private sealed class Revert(Action revert) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            revert();
        }
    }
}
