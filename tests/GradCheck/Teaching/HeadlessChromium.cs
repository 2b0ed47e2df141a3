using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Autograd.Tests.Teaching;

/// <summary>
/// Debian's chromium, headless, driven through the Chrome DevTools Protocol over a WebSocket (no extra
/// package): open a page, collect console errors and uncaught exceptions, evaluate JavaScript.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _calls = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _nextId;
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Console errors, uncaught exceptions and error log entries seen so far.</summary>
    internal ConcurrentQueue<string> Errors { get; } = new();

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    internal static async Task<HeadlessChromium> StartAsync()
    {
        var exe = Tools.Require("chromium", "chromium");
        var profile = Directory.CreateTempSubdirectory("trace-chromium-").FullName;
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                                  "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var browser = new HeadlessChromium(process, profile);
        _ = process.StandardOutput.ReadToEndAsync();
        // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/..." once it is ready.
        string? port = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (port is null && DateTime.UtcNow < deadline)
        {
            var line = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line is null) break;
            const string marker = "DevTools listening on ws://127.0.0.1:";
            int at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) port = line[(at + marker.Length)..].Split('/')[0];
        }
        if (port is null) { await browser.DisposeAsync(); Assert.Fail("chromium did not start its DevTools endpoint (headless)"); }
        _ = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        await browser._socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), CancellationToken.None);
        browser._reader = Task.Run(browser.ReadLoop);
        await browser.CallAsync("Runtime.enable");
        await browser.CallAsync("Log.enable");
        await browser.CallAsync("Page.enable");
        return browser;
    }

    /// <summary>Opens <paramref name="path"/> and waits for its load event.</summary>
    internal async Task OpenAsync(string path)
    {
        _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await CallAsync("Page.navigate", new JsonObject { ["url"] = new Uri(path).AbsoluteUri });
        await _loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The value of a JavaScript expression (returned by value, JSON-like).</summary>
    internal async Task<JsonNode?> EvalAsync(string expression)
    {
        var r = await CallAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (r["exceptionDetails"] is { } ex) throw new InvalidOperationException("page script failed: " + ex.ToJsonString());
        return r["result"]?["value"];
    }

    private async Task<JsonNode> CallAsync(string method, JsonObject? args = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = tcs;
        var msg = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = args ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(msg.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await tcs.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task ReadLoop()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!;
                message.SetLength(0);
                if (node["id"] is { } id && _calls.TryRemove((int)id, out var tcs))
                {
                    if (node["error"] is { } err) tcs.SetException(new InvalidOperationException(err.ToJsonString()));
                    else tcs.SetResult(node["result"]!);
                }
                else OnEvent((string?)node["method"], node["params"]);
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
    }

    private void OnEvent(string? method, JsonNode? p)
    {
        switch (method)
        {
            case "Page.loadEventFired": _loaded.TrySetResult(); break;
            case "Runtime.exceptionThrown": Errors.Enqueue("exception: " + Json(p, "exceptionDetails")); break;
            case "Runtime.consoleAPICalled" when Text(p, "type") is "error" or "assert":
                Errors.Enqueue("console.error: " + Json(p, "args")); break;
            case "Log.entryAdded" when Text(p?["entry"], "level") == "error":
                Errors.Enqueue("log: " + Text(p?["entry"], "text")); break;
        }
    }

    private static string? Text(JsonNode? n, string key) => n?[key]?.GetValue<string>();

    private static string? Json(JsonNode? n, string key) => n?[key]?.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { if (_socket.State == WebSocketState.Open) await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None); }
        catch (WebSocketException) { }
        if (_reader is not null) await Task.WhenAny(_reader, Task.Delay(2000));
        _socket.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
