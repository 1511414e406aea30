using System.CommandLine;
using System.Text.Json;
using RobustLab.Tests.Cli;
using RobustLab.Web.Cli;
using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

public class HashPasswordCommandTests
{
    static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, Interactive: false, CancellationToken.None);
        var root = new RootCommand { HashPasswordCommand.Create(context, new StringReader(stdin), () => false) };
        int code;
        try { code = root.Parse(["hash-password", .. args]).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }); }
        catch (UsageException e) { stderr.WriteLine(e.Message); code = ExitCodes.Usage; }
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Hash_password_reads_the_password_from_stdin_and_prints_its_hash()
    {
        var (code, stdout, _) = Run("s3cret pass\n");
        Assert.Equal(ExitCodes.Ok, code);
        string hash = stdout.Trim();
        Assert.DoesNotContain('\n', hash);
        Assert.True(PasswordHashing.Verify(hash, "s3cret pass"));
    }

    [Fact]
    public void Hash_password_takes_the_password_as_an_option_through_the_real_cli()
    {
        var run = CliRun.Of("hash-password", "--password", "from-a-script", "--json");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        string hash = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("passwordHash").GetString()!;
        Assert.True(PasswordHashing.Verify(hash, "from-a-script"));
    }

    [Fact]
    public void An_empty_password_is_a_usage_error()
    {
        var (code, stdout, stderr) = Run("");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", stdout);
        Assert.Contains("password is empty", stderr);
    }

    [Fact]
    public void Token_prints_a_new_token_and_the_hash_that_matches_it()
    {
        var run = CliRun.Of("hash-password", "--token", "--name", "sweeps", "--json");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var json = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal("sweeps", json.GetProperty("name").GetString());
        Assert.True(ApiTokens.Verify(json.GetProperty("token").GetString()!, json.GetProperty("tokenHash").GetString()!));
    }

    [Fact]
    public void Token_without_json_shows_the_token_and_an_appsettings_line()
    {
        var (code, stdout, _) = Run("", "--token");
        Assert.Equal(ExitCodes.Ok, code);
        string token = System.Text.RegularExpressions.Regex.Match(stdout, "token: (rl_\\S+)").Groups[1].Value;
        string hash = System.Text.RegularExpressions.Regex.Match(stdout, "\"TokenHash\": \"([^\"]+)\"").Groups[1].Value;
        Assert.Contains("\"ApiTokens\"", stdout);
        Assert.True(ApiTokens.Verify(token, hash));
    }
}
