<#
    Helpers for tests/pester/Proxy.Tests.ps1: a real HTTP proxy (Debian's tinyproxy, installed by .ci/run) started
    on a free loopback port with its own configuration and log, and a tiny raw HTTP server that records every
    request head it receives (to see where a redirect or a credential went).

        $proxy = Start-TestTinyproxy                                   # or -BasicAuthUser u -BasicAuthPassword p
        $mark  = Get-TinyproxyLogMark $proxy
        ...requests...
        Get-TinyproxyRequestLine $proxy -Since $mark                   # "GET http://127.0.0.1:1234/v1/... HTTP/1.1"
        Stop-TestTinyproxy $proxy

    tinyproxy runs in the foreground (-d) as a child process of the test process and is killed by
    Stop-TestTinyproxy; it never touches the system service's port or files.
#>

Set-StrictMode -Version 3.0

function Get-TinyproxyPath {
    <#
        The tinyproxy executable, or $null when it is not installed (the proxy tests skip then).
        $env:BASETEN_TEST_TINYPROXY overrides the search: a path to use, or 'none' to act as if it were missing.
    #>
    $override = $env:BASETEN_TEST_TINYPROXY
    if ($override -eq 'none') { return $null }
    if ($override) {
        if (Test-Path -LiteralPath $override -PathType Leaf) { return (Resolve-Path -LiteralPath $override).ProviderPath }
        return $null
    }
    $command = Get-Command -Name tinyproxy -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    foreach ($candidate in '/usr/bin/tinyproxy', '/usr/sbin/tinyproxy', '/usr/local/bin/tinyproxy') {
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    $null
}

function Get-FreeLoopbackPort {
    param([string]$Address = '127.0.0.1')
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Parse($Address), 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Test-TcpPortOpen {
    param([string]$Address = '127.0.0.1', [int]$Port, [int]$TimeoutMs = 500)
    $client = [System.Net.Sockets.TcpClient]::new()
    try {
        $task = $client.ConnectAsync($Address, $Port)
        $task.Wait($TimeoutMs) -and $client.Connected
    }
    catch { $false }
    finally { $client.Dispose() }
}

function Start-TestTinyproxy {
    <#
        Starts tinyproxy in the foreground on a free 127.0.0.1 port, allowing 127.0.0.1 only, logging at Info
        level to a file in its own temp folder. With -BasicAuthUser/-BasicAuthPassword it demands that Basic
        credential. Waits until the port accepts connections. Returns an object with Port, Uri, LogPath,
        Process and Directory; stop it with Stop-TestTinyproxy.
    #>
    param([string]$BasicAuthUser, [string]$BasicAuthPassword)
    $exe = Get-TinyproxyPath
    if (-not $exe) { throw 'tinyproxy is not installed (apt-get install tinyproxy).' }

    $lastProblem = $null
    foreach ($attempt in 1..3) {
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('baseten-tinyproxy-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $dir
        $port = Get-FreeLoopbackPort
        $logPath = Join-Path $dir 'tinyproxy.log'
        $config = @(
            "Port $port"
            'Listen 127.0.0.1'
            'Timeout 30'
            'MaxClients 50'
            'Allow 127.0.0.1'
            "LogFile `"$logPath`""
            'LogLevel Info'
            "PidFile `"$(Join-Path $dir 'tinyproxy.pid')`""
        )
        if ($BasicAuthUser) { $config += "BasicAuth $BasicAuthUser $BasicAuthPassword" }
        $configPath = Join-Path $dir 'tinyproxy.conf'
        Set-Content -LiteralPath $configPath -Value $config -Encoding utf8NoBOM

        $process = Start-Process -FilePath $exe -ArgumentList '-d', '-c', $configPath -PassThru `
            -RedirectStandardOutput (Join-Path $dir 'stdout.txt') -RedirectStandardError (Join-Path $dir 'stderr.txt')
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        while (-not $process.HasExited -and $clock.ElapsedMilliseconds -lt 10000) {
            if (Test-TcpPortOpen -Port $port) {
                return [pscustomobject]@{
                    PSTypeName = 'Baseten.Tests.Tinyproxy'
                    Port       = $port
                    Uri        = [uri]"http://127.0.0.1:$port/"
                    LogPath    = $logPath
                    Process    = $process
                    Directory  = $dir
                }
            }
            Start-Sleep -Milliseconds 50
        }
        $output = @('stdout.txt', 'stderr.txt', 'tinyproxy.log') | ForEach-Object {
            $file = Join-Path $dir $_
            if (Test-Path -LiteralPath $file) { Get-Content -LiteralPath $file -Raw }
        }
        $lastProblem = "tinyproxy did not listen on 127.0.0.1:$port (attempt $attempt): $($output -join ' | ')"
        if (-not $process.HasExited) { $process.Kill() }
        $process.WaitForExit(5000) | Out-Null
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
    }
    throw $lastProblem
}

function Stop-TestTinyproxy {
    <# Kills a proxy started by Start-TestTinyproxy (by its own process object) and removes its folder. #>
    param([Parameter(Position = 0)]$Proxy)
    if ($null -eq $Proxy) { return }
    try {
        if (-not $Proxy.Process.HasExited) { $Proxy.Process.Kill() }
        $null = $Proxy.Process.WaitForExit(5000)
    }
    catch { Write-Warning "Could not stop tinyproxy (pid $($Proxy.Process.Id)): $($_.Exception.Message)" }
    Remove-Item -LiteralPath $Proxy.Directory -Recurse -Force -ErrorAction SilentlyContinue
}

function Get-TinyproxyLog {
    <# The proxy's log lines (read while tinyproxy keeps the file open). #>
    param([Parameter(Mandatory, Position = 0)]$Proxy)
    if (-not (Test-Path -LiteralPath $Proxy.LogPath)) { return , [string[]]@() }
    $stream = [System.IO.File]::Open($Proxy.LogPath, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read,
        [System.IO.FileShare]::ReadWrite -bor [System.IO.FileShare]::Delete)
    try {
        $reader = [System.IO.StreamReader]::new($stream)
        $text = $reader.ReadToEnd()
    }
    finally { $stream.Dispose() }
    , [string[]]@($text -split "`r?`n" | Where-Object { $_ -ne '' })
}

function Get-TinyproxyLogMark {
    <# The number of log lines so far: pass it as -Since to see only what came after. #>
    param([Parameter(Mandatory, Position = 0)]$Proxy)
    (Get-TinyproxyLog $Proxy).Count
}

function Get-TinyproxyRequestLine {
    <#
        The requests the proxy received after -Since (a Get-TinyproxyLogMark), as "METHOD target HTTP/1.x",
        from its "Request (file descriptor N): ..." log lines, written one by one. With -Count, waits up to -TimeoutMs for that many,
        then -SettleMs more so an unexpected extra one shows up too.
    #>
    param(
        [Parameter(Mandatory, Position = 0)]$Proxy,
        [int]$Since = 0,
        [int]$Count = 0,
        [int]$TimeoutMs = 5000,
        [int]$SettleMs = 150
    )
    $read = {
        $lines = Get-TinyproxyLog $Proxy
        $lines | Select-Object -Skip $Since | ForEach-Object {
            if ($_ -match 'Request \(file descriptor \d+\): (.+)$') { $Matches[1].Trim() }
        }
    }
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    while (@(& $read).Count -lt $Count -and $clock.ElapsedMilliseconds -lt $TimeoutMs) { Start-Sleep -Milliseconds 25 }
    if ($SettleMs -gt 0) { Start-Sleep -Milliseconds $SettleMs }
    # Written one by one (pipe it to Should, or wrap the call in @() for an array).
    & $read
}

# A minimal HTTP/1.1 server for one canned answer: records each request's head (request line and headers, as
# received) and answers with the given raw response, then closes the connection. Compiled on first use (Add-Type
# takes a few seconds), so a file that skips pays nothing.
function Initialize-RawHttpServerType {
    if ('Baseten.Tests.RawHttpServer' -as [type]) { return }
    Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Baseten.Tests
{
    public sealed class RawHttpServer : IDisposable
    {
        private readonly TcpListener listener;
        private readonly List<string> heads = new List<string>();
        private readonly Thread thread;
        private volatile bool stopping;

        public RawHttpServer(string address, string rawResponse)
        {
            listener = new TcpListener(IPAddress.Parse(address), 0);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Address = address;
            RawResponse = rawResponse;
            thread = new Thread(Run) { IsBackground = true, Name = "RawHttpServer " + address + ":" + Port };
            thread.Start();
        }

        public string Address { get; }
        public int Port { get; }
        public string RawResponse { get; set; }
        public Uri BaseUri => new Uri("http://" + Address + ":" + Port + "/");

        public string[] Requests { get { lock (heads) return heads.ToArray(); } }

        public void Clear() { lock (heads) heads.Clear(); }

        private void Run()
        {
            while (!stopping)
            {
                TcpClient client;
                try { client = listener.AcceptTcpClient(); }
                catch { return; }
                ThreadPool.QueueUserWorkItem(_ => Serve(client));
            }
        }

        private void Serve(TcpClient client)
        {
            using (client)
            {
                try
                {
                    client.ReceiveTimeout = 5000;
                    var stream = client.GetStream();
                    var buffer = new byte[16384];
                    var received = new StringBuilder();
                    while (received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal) < 0)
                    {
                        var n = stream.Read(buffer, 0, buffer.Length);
                        if (n <= 0) break;
                        received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }
                    var text = received.ToString();
                    var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    lock (heads) heads.Add(end >= 0 ? text.Substring(0, end) : text);
                    var answer = Encoding.ASCII.GetBytes(RawResponse);
                    stream.Write(answer, 0, answer.Length);
                    stream.Flush();
                    client.Client.Shutdown(SocketShutdown.Send);
                }
                catch
                {
                    // A client that went away is not the test's concern: the recorded head is.
                }
            }
        }

        public void Dispose()
        {
            stopping = true;
            listener.Stop();
        }
    }
}
'@
}

function Start-RawHttpServer {
    <#
        Starts a Baseten.Tests.RawHttpServer on a free port of -Address (any 127.x.y.z works on Linux: a second
        "host" for redirect tests) that answers every request with -Status, -Headers and -Body.
    #>
    param(
        [string]$Address = '127.0.0.1',
        [int]$Status = 200,
        [string]$Reason = 'OK',
        [System.Collections.IDictionary]$Headers = @{},
        [string]$Body = '{}'
    )
    Initialize-RawHttpServerType
    $raw = New-RawHttpResponse -Status $Status -Reason $Reason -Headers $Headers -Body $Body
    [Baseten.Tests.RawHttpServer]::new($Address, $raw)
}

function New-RawHttpResponse {
    <# The raw text of an HTTP/1.1 answer (Connection: close), for Start-RawHttpServer or its RawResponse property. #>
    param(
        [int]$Status = 200,
        [string]$Reason = 'OK',
        [System.Collections.IDictionary]$Headers = @{},
        [string]$Body = '{}'
    )
    $bytes = [System.Text.Encoding]::UTF8.GetByteCount($Body)
    $lines = @("HTTP/1.1 $Status $Reason", 'Content-Type: application/json', "Content-Length: $bytes", 'Connection: close')
    foreach ($name in $Headers.Keys) { $lines += "${name}: $($Headers[$name])" }
    ($lines -join "`r`n") + "`r`n`r`n" + $Body
}

# The proxy-related environment variables .NET reads (both spellings; Linux names are case-sensitive).
$script:ProxyVariables = 'http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'

function Get-ProxyEnvironmentVariable {
    <# The proxy environment variables set in this process, as "NAME=value" strings (none: an empty array). #>
    , [string[]]@(foreach ($name in $script:ProxyVariables) {
            $value = [Environment]::GetEnvironmentVariable($name)
            if (-not [string]::IsNullOrEmpty($value)) { "$name=$value" }
        })
}

# Runs in the child process: signs in (with -Proxy when BT_PROXYTEST_PROXY is set), lists one model's environments
# and prints one line "PROXYTEST-RESULT {json}". The key comes in an environment variable, not on a command line.
$script:ChildScript = @'
$ErrorActionPreference = 'Stop'
$result = [ordered]@{ Connected = $false; Ok = $false; Count = 0; ErrorId = $null; Category = $null; Message = $null; ContextProxy = $null; DefaultProxy = $null }
try {
    Import-Module -Name $env:BT_PROXYTEST_MODULE
    $parameters = @{
        ApiKey     = ConvertTo-SecureString -String $env:BT_PROXYTEST_KEY -AsPlainText -Force
        BaseUri    = $env:BT_PROXYTEST_BASEURI
        MaxRetry   = 0
        TimeoutSec = 30
    }
    if ($env:BT_PROXYTEST_PROXY) { $parameters.Proxy = $env:BT_PROXYTEST_PROXY }
    $context = Connect-Baseten @parameters
    $result.Connected = $true
    if ($context.Proxy) { $result.ContextProxy = $context.Proxy.ToString() }
    $environments = @(Get-BasetenEnvironment -ModelId $env:BT_PROXYTEST_MODEL)
    $result.Ok = $true
    $result.Count = $environments.Count
}
catch {
    $result.ErrorId = $_.FullyQualifiedErrorId
    $result.Category = [string]$_.CategoryInfo.Category
    $result.Message = $_.Exception.Message
}
$result.DefaultProxy = [System.Net.Http.HttpClient]::DefaultProxy.GetType().FullName
'PROXYTEST-RESULT ' + (ConvertTo-Json -InputObject $result -Compress)
'@

function Invoke-ProxyTestChild {
    <#
        Runs one sign-in and one Get-BasetenEnvironment in a fresh 'dotnet pwsh' process whose environment has
        no proxy variables (and no BASETEN_API_KEY/URL) except -Environment's: .NET reads HTTP_PROXY, HTTPS_PROXY
        and NO_PROXY once per process, so each setting needs its own process. Returns the child's result object
        (Connected, Ok, Count, ErrorId, Category, Message, ContextProxy, DefaultProxy) plus Output (all its text).
    #>
    param(
        [Parameter(Mandatory)][string]$ModulePath,
        [Parameter(Mandatory)][string]$BaseUri,
        [Parameter(Mandatory)][string]$ApiKey,
        [Parameter(Mandatory)][string]$ModelId,
        [string]$Proxy,
        [System.Collections.IDictionary]$Environment = @{},
        [string]$WorkingDirectory = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).ProviderPath,
        [int]$TimeoutSec = 90
    )
    $dotnet = (Get-Command -Name dotnet -CommandType Application | Select-Object -First 1).Source
    $info = [System.Diagnostics.ProcessStartInfo]::new($dotnet)
    foreach ($argument in 'pwsh', '-NoProfile', '-NonInteractive', '-EncodedCommand',
        [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script:ChildScript))) {
        $info.ArgumentList.Add($argument)
    }
    $info.WorkingDirectory = $WorkingDirectory   # dotnet finds the repo's local tool manifest (pwsh) from here
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    foreach ($name in $script:ProxyVariables + 'BASETEN_API_KEY', 'BASETEN_API_URL') { $null = $info.Environment.Remove($name) }
    $info.Environment['NO_COLOR'] = '1'
    $info.Environment['BT_PROXYTEST_MODULE'] = $ModulePath
    $info.Environment['BT_PROXYTEST_BASEURI'] = $BaseUri
    $info.Environment['BT_PROXYTEST_KEY'] = $ApiKey
    $info.Environment['BT_PROXYTEST_MODEL'] = $ModelId
    if ($Proxy) { $info.Environment['BT_PROXYTEST_PROXY'] = $Proxy }
    foreach ($name in $Environment.Keys) { $info.Environment[[string]$name] = [string]$Environment[$name] }

    $process = [System.Diagnostics.Process]::Start($info)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill()
            throw "The child dotnet pwsh (pid $($process.Id)) did not finish in $TimeoutSec s."
        }
        $process.WaitForExit()
        $output = $stdout.GetAwaiter().GetResult() + $stderr.GetAwaiter().GetResult()
    }
    finally { $process.Dispose() }
    $line = @($output -split "`r?`n" | Where-Object { $_ -like 'PROXYTEST-RESULT *' }) | Select-Object -Last 1
    if (-not $line) { throw "The child dotnet pwsh printed no result. Its output: $output" }
    $result = ConvertFrom-Json -InputObject $line.Substring('PROXYTEST-RESULT '.Length)
    $result | Add-Member -NotePropertyName Output -NotePropertyValue $output -PassThru
}

Export-ModuleMember -Function Get-TinyproxyPath, Get-FreeLoopbackPort, Test-TcpPortOpen, Start-TestTinyproxy,
    Stop-TestTinyproxy, Get-TinyproxyLog, Get-TinyproxyLogMark, Get-TinyproxyRequestLine, Start-RawHttpServer,
    New-RawHttpResponse, Get-ProxyEnvironmentVariable, Invoke-ProxyTestChild
