using DslSft.Demo;
using DslSft.Experiments.CrossLingual;

namespace DslSft.Tests.Demo;

// Training draws dropout masks from torch's global generator, so a parallel test class would change this run's
// numbers: run alone, with the engine's training tests, so "the same table twice" is a real determinism check.
[Collection(DslSft.Tests.Engine.EngineTrainingCollection.Name)]
public class DemoPipelineTests
{
    [Fact]
    public void The_tiny_demo_gives_the_same_table_twice_and_writes_its_files()
    {
        var first = Directory.CreateTempSubdirectory("dslsft-demo-a-").FullName;
        var second = Directory.CreateTempSubdirectory("dslsft-demo-b-").FullName;
        try
        {
            var a = new DemoPipeline(DemoOptions.Tiny(seed: 3), first).Run();
            var b = new DemoPipeline(DemoOptions.Tiny(seed: 3), second).Run();

            // Every method gives a "task only" and a "task + target language" row, each scored in target and source, and
            // LT-SFT also "task + dense target language" (the control).
            Assert.Equal(7, a.Transfer.Rows.Count);
            Assert.Equal(a.Transfer.Rows.Select(r => (r.Method, r.Composition)), b.Transfer.Rows.Select(r => (r.Method, r.Composition)));
            for (int i = 0; i < a.Transfer.Rows.Count; i++)
            {
                Assert.Equal(["src", "tgt"], a.Transfer.Rows[i].Accuracy.Keys.Order());
                foreach (var language in new[] { "src", "tgt" })
                {
                    var accuracy = a.Transfer.Rows[i].Accuracy[language];
                    Assert.InRange(accuracy, 0, 1);
                    Assert.Equal(accuracy, b.Transfer.Rows[i].Accuracy[language]);
                }
            }
            Assert.Equal(a.PretrainFinalLoss, b.PretrainFinalLoss);

            // K: LT-SFT and random masks select the configured share of the maskable entries, dense selects all.
            var runs = a.Transfer.Runs.Where(r => !r.Cached).ToList();
            Assert.Equal(3 * 3, runs.Count); // per method: two language SFTs and one task SFT
            foreach (var run in runs)
            {
                double density = run.Kind == "task" ? a.Transfer.Options.TaskDensity : a.Transfer.Options.LanguageDensity;
                long expected = run.Method == TransferMethod.Dense ? run.MaskableCount : (long)(density * run.MaskableCount);
                Assert.Equal(expected, run.K);
            }

            foreach (var file in new[] { "world/vocab.txt", "world/src.txt", "world/tgt-test.conllu", "base-model/config.json", "base-model/vocab.txt", "logs/pretrain.png" })
                Assert.True(File.Exists(Path.Combine(first, file)), file);
            Assert.Equal(9, Directory.GetFiles(Path.Combine(first, "sfts"), "*.sft.safetensors").Length);

            // The table rests on the stored SFTs: evaluating them again, training nothing, gives it exactly.
            var again = new DemoPipeline(DemoOptions.Tiny(seed: 3), first).Evaluate();
            Assert.Equal(a.Transfer.Rows.Select(r => (r.Method, r.Composition, r.Accuracy["src"], r.Accuracy["tgt"])),
                again.Rows.Select(r => (r.Method, r.Composition, r.Accuracy["src"], r.Accuracy["tgt"])));
            Assert.DoesNotContain(again.Runs, r => !r.Cached);
            // Each language fine-tuning reports its held-out masked-LM loss; LT-SFT's K is not degenerate.
            Assert.Equal(3 * 2, a.Transfer.Languages.Count);
            Assert.All(a.Transfer.Languages, l => Assert.True(double.IsFinite(l.ValidationLoss) && double.IsFinite(l.BaseValidationLoss)));
        }
        finally
        {
            Directory.Delete(first, recursive: true);
            Directory.Delete(second, recursive: true);
        }
    }
}
