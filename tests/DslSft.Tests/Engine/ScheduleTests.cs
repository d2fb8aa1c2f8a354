using DslSft.Training;

namespace DslSft.Tests.Engine;

public class ScheduleTests
{
    [Fact]
    public void LinearWarmupMatchesTransformersFormula()
    {
        var schedule = new LinearWarmupSchedule(1.0, warmupSteps: 2, totalSteps: 6);
        // Update s uses s/2 during warm-up, then (6 − s)/4.
        Assert.Equal(new[] { 0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0 }, Enumerable.Range(0, 7).Select(s => schedule.LearningRate(s)).ToArray());
        Assert.Equal(3, LinearWarmupSchedule.ResolveWarmup(null, 0.1, 25));
        Assert.Equal(4, LinearWarmupSchedule.ResolveWarmup(4, 0.5, 25));
    }

    [Theory]
    [InlineData(null, 100L, null, 10, 1, 100L)]          // steps only
    [InlineData(null, null, 3.0, 10, 1, 30L)]            // epochs only
    [InlineData(null, null, 2.5, 10, 3, 8L)]             // ceil(2.5 · (10 // 3))
    [InlineData(null, 20L, 3.0, 10, 1, 20L)]             // epochs capped by max steps
    [InlineData(50L, 100L, 3.0, 10, 1, 50L)]             // raised to min steps
    [InlineData(10L, 100L, 3.0, 10, 1, 30L)]             // min steps already met
    public void PhaseLengthFollowsSetTrainingLen(long? min, long? max, double? epochs, long batches, int accumulation, long expected) =>
        Assert.Equal(expected, new PhaseLength(min, max, epochs).ResolveSteps(batches, accumulation));

    [Fact]
    public void PhaseLengthRejectsContradictions()
    {
        Assert.Throws<ArgumentException>(() => new PhaseLength().ResolveSteps(10, 1));
        Assert.Throws<ArgumentException>(() => new PhaseLength(MinSteps: 5, MaxSteps: 4).ResolveSteps(10, 1));
    }
}
