namespace RobustLab.Tests.Api;

/// <summary>POST /api/runs answers 400 problem details naming every bad field, and stores and queues nothing then.</summary>
public sealed class RunValidationTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    const string Ok = "\"dataset\": \"fashion-mnist\"";

    [Theory]
    [InlineData("\"sigma\": -1", "sigma")]
    [InlineData("\"sigma\": \"NaN\"", "sigma")]
    [InlineData("\"sigma\": \"Infinity\"", "sigma")]
    [InlineData("\"alpha\": -0.5", "alpha")]
    [InlineData("\"alpha\": \"NaN\"", "alpha")]
    [InlineData("\"copies\": -1", "copies")]
    [InlineData("\"epochs\": 0", "epochs")]
    [InlineData("\"epochs\": 10001", "epochs")]
    [InlineData("\"sigma\": 1e308", "sigma")]
    [InlineData("\"alpha\": 1e308", "alpha")]
    [InlineData("\"lr\": 1e308", "lr")]
    [InlineData("\"copies\": 2147483647", "copies")]
    [InlineData("\"batchSize\": 2147483647", "batchSize")]
    [InlineData("\"trainSubset\": 2147483647", "trainSubset")]
    [InlineData("\"testSubset\": 2147483647", "testSubset")]
    [InlineData("\"trainSubset\": 5", "trainSubset")]
    [InlineData("\"testSubset\": 0", "testSubset")]
    [InlineData("\"batchSize\": 0", "batchSize")]
    [InlineData("\"lr\": 0", "lr")]
    [InlineData("\"model\": \"resnet\"", "model")]
    [InlineData("\"method\": \"dropout\"", "method")]
    [InlineData("\"device\": \"gpu\"", "device")]
    [InlineData("\"device\": \"cuda:x\"", "device")]
    [InlineData("\"device\": \"cuda:-1\"", "device")]
    [InlineData("\"method\": \"augmentation\", \"sigma\": 0.25, \"copies\": 0", "copies")]
    [InlineData("\"method\": \"regularizer\", \"sigma\": 0.25", "alpha")]
    [InlineData("\"attacks\": [\"fgsm\", \"nope\"]", "attacks")]
    [InlineData("\"attacks\": [\"fgsm\"], \"attackSamples\": 0", "attackSamples")]
    [InlineData("\"attacks\": [\"fgsm\"], \"attackSamples\": 10001", "attackSamples")]
    public async Task Each_bad_field_is_a_400_naming_that_field(string field, string name)
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/runs", $"{{{Ok}, {field}}}"));

        Assert.Equal([name], errors.Keys);
        Assert.Contains(name, errors[name][0], StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_host.Store.Runs);
        Assert.Empty(_host.Queue.Enqueued);
    }

    [Theory]
    [InlineData("{\"dataset\": \"imagenet\"}")]
    [InlineData("{\"dataset\": \"\"}")]
    [InlineData("{\"model\": \"lenet\"}")]
    public async Task Unknown_or_missing_dataset_is_a_400_naming_dataset(string json)
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/runs", json));

        Assert.Equal(["dataset"], errors.Keys);
        Assert.Contains("fashion-mnist", errors["dataset"][0]); // says which ones exist
    }

    [Fact]
    public async Task Several_bad_fields_are_all_named_in_one_answer()
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/runs", """
            {"dataset": "imagenet", "model": "vgg", "method": "dropout", "sigma": -1, "alpha": "NaN", "copies": -3,
             "epochs": 0, "batchSize": -5, "lr": -1, "device": "tpu"}
            """));

        Assert.Equal(["alpha", "batchSize", "copies", "dataset", "device", "epochs", "lr", "method", "model", "sigma"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(_host.Store.Runs);
    }

    [Theory]
    [InlineData("{", "body")]
    [InlineData("{\"dataset\": ", "body")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"sigma\": 0.5", "body")]
    [InlineData("not json", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("null", "body")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"sigma\": \"abc\"}", "sigma")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"epochs\": 1.5}", "epochs")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"seed\": \"1\"}", "seed")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"sigmaa\": 0.5}", "sigmaa")]
    public async Task Malformed_json_is_a_400_problem_not_a_500(string json, string name)
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/runs", json));

        Assert.Equal([name], errors.Keys);
        Assert.Empty(_host.Store.Runs);
    }

    [Fact]
    public async Task A_form_post_instead_of_json_is_a_415_problem_saying_to_send_json()
    {
        var response = await _host.Client.PostAsync("/api/runs", new FormUrlEncodedContent([new("dataset", "fashion-mnist")]));

        var body = await ApiAssert.JsonAsync(response, 415);
        Assert.Contains("application/json", body.GetProperty("detail").GetString());
        Assert.Empty(_host.Store.Runs);
    }

    [Fact]
    public async Task Json_labelled_as_a_form_is_refused_with_415_because_a_browser_may_send_forms_cross_site()
    {
        // A page on another site can post a form (or text/plain) without a CORS preflight; only JSON is accepted.
        var response = await _host.Client.PostAsync("/api/runs",
            new StringContent("""{"dataset": "fashion-mnist"}""", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        var body = await ApiAssert.JsonAsync(response, 415);
        Assert.Contains("application/json", body.GetProperty("detail").GetString());
        Assert.Empty(_host.Queue.Enqueued);
    }

    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("cuda", "cuda0")]
    [InlineData("CUDA:3", "cuda3")]
    public async Task A_cuda_device_is_accepted_without_cuda_here_and_lands_on_its_queue(string device, string queue)
    {
        var response = await _host.PostJsonAsync("/api/runs", $$"""{"dataset": "mnist", "device": "{{device}}"}""");

        var view = await ApiAssert.JsonAsync(response, 201);
        Assert.Equal(queue, view.GetProperty("queue").GetString());
        Assert.Equal([(view.GetProperty("id").GetGuid(), queue)], _host.Queue.Enqueued);
    }

    [Fact]
    public async Task A_known_data_set_that_is_not_installed_here_is_accepted_for_a_remote_worker()
    {
        // cifar100 is never installed by setup.sh; a worker on another machine may have it.
        var response = await _host.PostJsonAsync("/api/runs", """{"dataset": "cifar100", "model": "alexnet"}""");

        await ApiAssert.JsonAsync(response, 201);
    }
}
