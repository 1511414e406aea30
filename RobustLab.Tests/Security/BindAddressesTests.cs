using Microsoft.Extensions.Configuration;
using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

public class BindAddressesTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://127.0.0.2:5000")]
    [InlineData("https://localhost:5001")]
    [InlineData("http://LOCALHOST")]
    [InlineData("http://[::1]:5000")]
    [InlineData("http://[::ffff:127.0.0.1]:5000")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://127.0.0.1:5000/base/path")]
    [InlineData("http://unix:/run/robustlab.sock")]
    [InlineData("http://pipe:/robustlab")]
    public void Loopback_urls_are_loopback(string url) => Assert.True(BindAddresses.IsLoopback(url), url);

    [Theory]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://*:5000")]
    [InlineData("http://+:5000")]
    [InlineData("http://[::]:5000")]
    [InlineData("http://192.168.1.20:5000")]
    [InlineData("http://10.0.0.1")]
    [InlineData("http://robustlab.lab.example:5000")]
    [InlineData("http://localhost.example.com:5000")]
    [InlineData("http://:5000")]
    [InlineData("127.0.0.1:5000")]
    [InlineData("http://[::1:5000")]
    public void Every_other_url_is_not_loopback(string url) => Assert.False(BindAddresses.IsLoopback(url), url);

    [Fact]
    public void Loopback_only_needs_every_url_to_be_loopback()
    {
        Assert.True(BindAddresses.IsLoopbackOnly(["http://127.0.0.1:5000", "https://localhost:5001", "http://[::1]:5000"]));
        Assert.False(BindAddresses.IsLoopbackOnly(["http://127.0.0.1:5000", "http://0.0.0.0:5001"]));
        Assert.True(BindAddresses.IsLoopbackOnly([]));
    }

    static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Urls_are_split_on_semicolons()
    {
        var urls = BindAddresses.FromConfiguration(Config(("urls", "http://127.0.0.1:5000; http://0.0.0.0:8080")));
        Assert.Equal(["http://127.0.0.1:5000", "http://0.0.0.0:8080"], urls);
        Assert.False(BindAddresses.IsLoopbackOnly(urls));
    }

    [Fact]
    public void Nothing_configured_means_the_loopback_default() =>
        Assert.Equal([BindAddresses.Default], BindAddresses.FromConfiguration(Config()));

    [Fact]
    public void Http_ports_bind_every_interface_but_only_when_urls_is_empty()
    {
        Assert.False(BindAddresses.IsLoopbackOnly(BindAddresses.FromConfiguration(Config(("http_ports", "8080")))));
        Assert.True(BindAddresses.IsLoopbackOnly(BindAddresses.FromConfiguration(Config(("http_ports", "8080"), ("urls", "http://127.0.0.1:5000")))));
    }

    [Fact]
    public void Kestrel_endpoints_count_too()
    {
        var urls = BindAddresses.FromConfiguration(Config(("urls", "http://127.0.0.1:5000"), ("Kestrel:Endpoints:Lan:Url", "http://192.168.0.5:5000")));
        Assert.Contains("http://192.168.0.5:5000", urls);
        Assert.False(BindAddresses.IsLoopbackOnly(urls));
    }
}
