using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    /// <summary>
    /// The real Node engine as a child process:
    /// <c>node bin/enigma.js run test/fixtures/pipelines/gateway-roundtrip.yaml --listen 127.0.0.1:PORT</c>
    /// from the repository root with ENIGMA_TOKEN set, ready when it prints
    /// <c>listening http://127.0.0.1:PORT</c>. Failing to start is a test failure with the
    /// engine's output, never a skip.
    /// </summary>
    internal sealed class EngineProcess : IDisposable
    {
        public const string Pipeline = "test/fixtures/pipelines/gateway-roundtrip.yaml";
        private static readonly Regex Listening = new Regex(@"listening http://127\.0\.0\.1:(\d+)");

        private readonly Process _process;
        private readonly List<string> _output = new List<string>();
        private readonly ManualResetEventSlim _ready = new ManualResetEventSlim(false);

        public int Port { get; private set; }
        public Uri StreamUri { get { return new Uri("ws://127.0.0.1:" + Port + "/v1/stream"); } }
        public bool HasExited { get { return _process.HasExited; } }
        public int ExitCode { get { return _process.ExitCode; } }

        private EngineProcess(string repoRoot, string token, int port)
        {
            var psi = new ProcessStartInfo("node")
            {
                WorkingDirectory = repoRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("bin/enigma.js");
            psi.ArgumentList.Add("run");
            psi.ArgumentList.Add(Pipeline);
            psi.ArgumentList.Add("--listen");
            psi.ArgumentList.Add("127.0.0.1:" + port);
            // One data folder (DuckDB history, halts) per token, so a restarted engine reopens the
            // history its predecessor wrote, and tests never write into the repository's data/.
            psi.ArgumentList.Add("--data-dir");
            psi.ArgumentList.Add(DataDirFor(token));
            psi.Environment["ENIGMA_TOKEN"] = token;
            _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            _process.OutputDataReceived += (s, e) => OnLine("stdout", e.Data);
            _process.ErrorDataReceived += (s, e) => OnLine("stderr", e.Data);
            try { _process.Start(); }
            catch (Exception e)
            {
                Assert.Fail("Could not start the engine (`node bin/enigma.js run " + Pipeline + "`) in " + repoRoot + ": " + e.Message
                    + ". Node.js 20+ must be on PATH and `npm install` (which builds dist/) must have run.");
            }
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        private void OnLine(string stream, string line)
        {
            if (line == null) return;
            lock (_output)
            {
                _output.Add(stream + ": " + line);
                if (_output.Count > 400) _output.RemoveAt(0);
            }
            if (stream == "stdout" && Port == 0)
            {
                var m = Listening.Match(line);
                if (m.Success)
                {
                    Port = int.Parse(m.Groups[1].Value);
                    _ready.Set();
                }
            }
        }

        /// <summary>Starts the engine and waits for its listening line; port 0 picks a free port.</summary>
        public static EngineProcess Start(string token, int port = 0, int timeoutMs = 60000)
        {
            var engine = new EngineProcess(RepoRoot(), token, port);
            var sw = Stopwatch.StartNew();
            while (!engine._ready.Wait(100))
            {
                if (engine._process.HasExited)
                {
                    engine._process.WaitForExit(); // lets the output readers finish
                    Assert.Fail("The engine exited with code " + engine._process.ExitCode + " before printing `listening http://127.0.0.1:<port>`.\n" + engine.Output());
                }
                if (sw.ElapsedMilliseconds > timeoutMs)
                {
                    engine.Kill();
                    Assert.Fail("The engine did not print `listening http://127.0.0.1:<port>` within " + timeoutMs / 1000 + " s.\n" + engine.Output());
                }
            }
            return engine;
        }

        /// <summary>The last lines the engine printed.</summary>
        public string Output()
        {
            lock (_output) return "--- engine output (last lines) ---\n" + string.Join("\n", _output);
        }

        /// <summary>SIGKILL: the engine dies without closing anything.</summary>
        public void Kill()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(true);
                _process.WaitForExit(10000);
            }
            catch (InvalidOperationException) { }
        }

        /// <summary>SIGTERM (on Unix), then waits for a clean exit; returns the exit code or null on timeout.</summary>
        public int? Terminate(int timeoutMs = 15000)
        {
            if (_process.HasExited) return _process.ExitCode;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { Kill(); return null; }
            using (var kill = Process.Start(new ProcessStartInfo("kill", "-TERM " + _process.Id) { UseShellExecute = false }))
                kill.WaitForExit(5000);
            if (!_process.WaitForExit(timeoutMs)) return null;
            _process.WaitForExit();
            return _process.ExitCode;
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        /// <summary>The repository root: ENIGMA_REPO_ROOT, else the first parent of the test binaries with bin/enigma.js.</summary>
        /// <summary>The engine's data folder for a test's token, under the system temp folder.</summary>
        public static string DataDirFor(string token)
        {
            var safe = new StringBuilder();
            foreach (var c in token) if (char.IsLetterOrDigit(c)) safe.Append(c);
            return Path.Combine(Path.GetTempPath(), "enigma-addon-test-" + safe);
        }

        public static string RepoRoot()
        {
            var env = Environment.GetEnvironmentVariable("ENIGMA_REPO_ROOT");
            if (!string.IsNullOrEmpty(env)) return env;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null)
            {
                if (File.Exists(Path.Combine(dir.FullName, "bin", "enigma.js")) && File.Exists(Path.Combine(dir.FullName, "package.json")))
                    return dir.FullName;
                dir = dir.Parent;
            }
            Assert.Fail("Could not find the repository root (a folder with bin/enigma.js) above " + AppContext.BaseDirectory + "; set ENIGMA_REPO_ROOT.");
            return null;
        }
    }
}
