using DslSft.Models;
using DslSft.Models.Heads;
using static TorchSharp.torch;

namespace DslSft.Tests.Models;

/// <summary>Every head trains: the loss is finite, backward reaches every trainable parameter, and a few steps lower it.</summary>
public sealed class HeadTrainingTests
{
    private static ModelBatch Batch(ModelHead head, string modelType)
    {
        manual_seed(7);
        var pad = modelType == "bert" ? 0 : 1;
        var ids = randint(5, 30, new long[] { 2, 7 });
        var mask = ones(2, 7, dtype: ScalarType.Int64);
        ids[1, 5] = pad; ids[1, 6] = pad;
        mask[1, 5] = 0; mask[1, 6] = 0;
        var batch = new ModelBatch(ids, mask);
        return head switch
        {
            ModelHead.MaskedLM => batch with { Labels = tensor(new long[] { -100, 7, -100, 9, -100, -100, -100, -100, 3, -100, -100, 4, -100, -100 }).view(2, 7) },
            ModelHead.TokenClassification => batch with { Labels = tensor(new long[] { -100, 1, 2, 0, 1, 2, -100, -100, 0, 0, 1, -100, -100, -100 }).view(2, 7) },
            ModelHead.SequenceClassification => batch with { Labels = tensor(new long[] { 2, 0 }) },
            ModelHead.QuestionAnswering => batch with { StartPositions = tensor(new long[] { 2, 1 }), EndPositions = tensor(new long[] { 4, 3 }) },
            _ => batch with
            {
                // Sentence 1: words 1..3 over subwords 1-2, 3, 4-5; sentence 2: words 1..2 over subwords 1, 2-3.
                WordIndex = tensor(new long[] { 0, 1, 1, 2, 3, 3, -1, 0, 1, 2, 2, -1, -1, -1 }).view(2, 7),
                Heads = tensor(new long[] { -100, 2, 0, 2, -100, 2, 0, -100 }).view(2, 4),
                Relations = tensor(new long[] { -100, 1, 0, 4, -100, 3, 0, -100 }).view(2, 4),
            },
        };
    }

    [Theory]
    [InlineData(ModelHead.MaskedLM, "bert")]
    [InlineData(ModelHead.MaskedLM, "xlm-roberta")]
    [InlineData(ModelHead.TokenClassification, "xlm-roberta")]
    [InlineData(ModelHead.SequenceClassification, "bert")]
    [InlineData(ModelHead.SequenceClassification, "xlm-roberta")]
    [InlineData(ModelHead.QuestionAnswering, "bert")]
    [InlineData(ModelHead.DependencyParsing, "xlm-roberta")]
    public void Loss_backpropagates_to_every_parameter_and_decreases(ModelHead head, string modelType)
    {
        manual_seed(1);
        using var model = HfModel.Create(ParameterTableTests.TinyConfig(modelType), head);
        var batch = Batch(head, modelType);
        model.Module.eval(); // no dropout, so the loss curve is deterministic
        var optimizer = optim.Adam(ParameterTable.Build(model).TrainableParameters(), lr: 0.01);
        var losses = new List<float>();
        for (int step = 0; step < 5; step++)
        {
            optimizer.zero_grad();
            var output = model.Forward(batch);
            Assert.NotNull(output.Loss);
            output.Loss!.backward();
            if (step == 0)
            {
                foreach (var entry in ParameterTable.Build(model))
                {
                    // Position rows never used and pads do not get gradient everywhere, but every tensor gets some.
                    Assert.True(entry.Tensor.grad is not null && entry.Tensor.grad.abs().sum().item<float>() > 0, $"no gradient for {entry.Name}");
                }
            }
            optimizer.step();
            losses.Add(output.Loss.item<float>());
        }
        Assert.All(losses, l => Assert.True(float.IsFinite(l)));
        Assert.True(losses[^1] < losses[0], $"loss did not decrease: {string.Join(", ", losses)}");
    }

    [Fact]
    public void Parser_word_vectors_are_subword_means_with_the_first_token_as_root()
    {
        var hidden = arange(2 * 4 * 3, dtype: ScalarType.Float32).view(2, 4, 3);
        var wordIndex = tensor(new long[] { 0, 1, 1, 2, 0, 1, -1, -1 }).view(2, 4);
        var (words, mask) = DependencyParsingModel.WordVectors(hidden, wordIndex);
        Assert.Equal([2L, 3L, 3L], words.shape);
        Assert.True(words[0, 0].equal(hidden[0, 0]).all().item<bool>());
        Assert.True(words[0, 1].allclose((hidden[0, 1] + hidden[0, 2]) / 2));
        Assert.True(words[0, 2].equal(hidden[0, 3]).all().item<bool>());
        Assert.Equal(new[] { true, true, true, true, true, false }, mask.data<bool>().ToArray());
    }

    [Fact]
    public void Parser_scores_have_one_row_per_word_and_never_choose_missing_heads()
    {
        using var model = (DependencyParsingModel)HfModel.Create(ParameterTableTests.TinyConfig(), ModelHead.DependencyParsing);
        model.Module.eval();
        var batch = Batch(ModelHead.DependencyParsing, "bert");
        using var _ = no_grad();
        var output = model.Forward(batch);
        Assert.Equal([2L, 4L, 4L], output.Logits.shape);
        Assert.Equal([2L, 4L, 4L, 5L], output.SecondLogits!.shape);
        var (heads, relations) = DependencyParsingModel.Decode(output);
        Assert.True(heads[1].lt(3).all().item<bool>()); // sentence 2 has 2 words: heads 0..2 only
        Assert.True(relations.lt(5).all().item<bool>());
    }

    [Theory]
    [InlineData("bert")]
    [InlineData("xlm-roberta")]
    public void Decoding_only_labelled_positions_gives_the_same_loss_and_gradients(string modelType)
    {
        manual_seed(3);
        using var model = HfModel.Create(ParameterTableTests.TinyConfig(modelType), ModelHead.MaskedLM);
        model.Module.eval();
        var batch = Batch(ModelHead.MaskedLM, modelType);
        var parameters = ParameterTable.Build(model).TrainableParameters().ToList();

        Tensor[] Gradients(ModelBatch b, out Tensor loss, out Tensor logits)
        {
            foreach (var p in parameters) p.grad = null;
            var output = model.Forward(b);
            output.Loss!.backward();
            loss = output.Loss.detach();
            logits = output.Logits.detach();
            return parameters.Select(p => p.grad!.clone()).ToArray();
        }

        var all = Gradients(batch, out var fullLoss, out var fullLogits);
        var labelled = Gradients(batch with { LogitsAtLabelsOnly = true }, out var labelledLoss, out var labelledLogits);

        // The labels mark flat positions 1, 3, 8 and 11: one logits row each, equal to the full decode's row there.
        Assert.Equal([4L, fullLogits.shape[^1]], labelledLogits.shape);
        var expected = fullLogits.view(-1, fullLogits.shape[^1]).index_select(0, tensor(new long[] { 1, 3, 8, 11 }));
        Assert.True(labelledLogits.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(fullLoss.item<float>(), labelledLoss.item<float>(), 5);
        for (int i = 0; i < parameters.Count; i++)
            Assert.True(all[i].allclose(labelled[i], rtol: 1e-4, atol: 1e-6), $"gradient differs for parameter {i}");
    }
}
