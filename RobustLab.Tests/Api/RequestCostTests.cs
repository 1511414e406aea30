using System.Net;
using System.Text;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// A large or hostile request is cheap to refuse and gets a short answer: lists are bounded (and a list over the bound
/// is one message), echoed values are cut, a body over the limit is a 413 problem document, and no answer names a
/// .NET type.
/// </summary>
public sealed class RequestCostTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    [Fact]
    public async Task A_sweep_with_100000_bad_sigmas_is_answered_with_the_list_limit_alone()
    {
        string sigmas = string.Join(",", Enumerable.Repeat("-1", 100_000));
        var response = await _host.PostJsonAsync("/api/sweeps",
            $$"""{"dataset":"fashion-mnist","methods":["regularizer"],"alpha":[1],"sigma":[{{sigmas}}]}""");

        var errors = await ApiAssert.ValidationErrorsAsync(response);
        Assert.Equal(["sigma"], errors.Keys);
        Assert.Equal([$"sigma lists 100000 values; at most {RequestLimits.MaxListLength} are allowed."], errors["sigma"]);
        Assert.Empty(_host.Store.Runs);
    }

    [Fact]
    public async Task A_run_with_100000_unknown_attacks_is_answered_with_the_list_limit_alone()
    {
        string attacks = string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"\"a{i}\""));
        var response = await _host.PostJsonAsync("/api/runs", $$"""{"dataset":"fashion-mnist","attacks":[{{attacks}}]}""");

        var errors = await ApiAssert.ValidationErrorsAsync(response);
        Assert.Equal(["attacks"], errors.Keys);
        Assert.Single(errors["attacks"]);
        Assert.Contains($"at most {RequestLimits.MaxListLength}", errors["attacks"][0]);
    }

    [Fact]
    public async Task A_long_bad_value_is_echoed_cut_to_the_limit()
    {
        string dataset = new('x', 500_000);
        var response = await _host.PostJsonAsync("/api/runs", $$"""{"dataset":"{{dataset}}"}""");

        var errors = await ApiAssert.ValidationErrorsAsync(response);
        Assert.Contains("(500000 characters)", errors["dataset"][0]);
        Assert.True(errors["dataset"][0].Length < RequestLimits.MaxEchoLength + 200, errors["dataset"][0].Length.ToString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_document()
    {
        string dataset = new('x', (int)RequestLimits.MaxBodyBytes + 10);
        var response = await _host.PostJsonAsync("/api/runs", $$"""{"dataset":"{{dataset}}"}""");

        await ApiAssert.ProblemAsync(response, (int)HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains($"{RequestLimits.MaxBodyBytes} bytes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_a_413_too()
    {
        var bytes = Encoding.UTF8.GetBytes($$"""{"dataset":"{{new string('x', (int)RequestLimits.MaxBodyBytes)}}"}""");
        using var content = new StreamContent(new UnseekableStream(bytes));
        content.Headers.ContentType = new("application/json");

        await ApiAssert.ProblemAsync(await _host.Client.PostAsync("/api/sweeps", content), (int)HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("\"sigma\": \"abc\"", "sigma", "sigma must be a number.")]
    [InlineData("\"epochs\": 1.5", "epochs", "epochs must be a whole number.")]
    [InlineData("\"attacks\": \"fgsm\"", "attacks", "attacks must be a list of text values.")]
    [InlineData("\"dataset\": 3", "dataset", "dataset must be text.")]
    public async Task A_value_of_the_wrong_kind_is_named_in_words_not_as_a_dotnet_type(string field, string name, string message)
    {
        var response = await _host.PostJsonAsync("/api/runs", $$"""{"model":"lenet", {{field}}}""");

        var errors = await ApiAssert.ValidationErrorsAsync(response);
        Assert.Equal([message], errors[name]);
        Assert.DoesNotContain("System.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_api_accepts_the_largest_value_of_every_range_and_refuses_one_step_past_it()
    {
        string Json(double sigma, double alpha, double lr, int copies, int batch, int epochs) => $$"""
            {"dataset":"fashion-mnist","method":"regularizer","sigma":{{sigma}},"alpha":{{alpha}},"lr":{{lr}},"copies":{{copies}},
             "batchSize":{{batch}},"epochs":{{epochs}},"trainSubset":{{TrainingLimits.MaxSubset}},"testSubset":{{TrainingLimits.MaxSubset}}}
            """;
        var ok = await _host.PostJsonAsync("/api/runs", Json(TrainingLimits.MaxSigma, TrainingLimits.MaxAlpha, TrainingLimits.MaxLearningRate,
            TrainingLimits.MaxCopies, TrainingLimits.MaxBatchSize, TrainingLimits.MaxEpochs));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);

        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/runs", Json(TrainingLimits.MaxSigma + 1,
            TrainingLimits.MaxAlpha + 1, TrainingLimits.MaxLearningRate + 1, TrainingLimits.MaxCopies + 1, TrainingLimits.MaxBatchSize + 1,
            TrainingLimits.MaxEpochs + 1)));
        Assert.Equal(["alpha", "batchSize", "copies", "epochs", "lr", "sigma"], errors.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>A body whose length the client cannot know, so it goes chunked.</summary>
    sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
