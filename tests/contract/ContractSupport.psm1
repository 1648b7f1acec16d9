<#
    Helpers for the contract tests (Contract.Tests.ps1): find the published OpenAPI document and Prism, start
    and stop Prism, read the request log the main Pester pass persisted, send requests to Prism.

    Prism (npm @stoplight/prism-cli 5.16.0, pinned in tools/prism; build.ps1 -Task Test runs npm ci there) is
    the validator: nobody here wrote it, so a body it accepts is accepted by the published schema, not by our
    reading of it.
#>

Set-StrictMode -Version 3.0

$script:RepoRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))

# The Authorization header sent to Prism. The published document declares Bearer auth only; the copy Prism
# serves (New-ContractSpec) also accepts an apiKey 'Authorization' header, as the module sends 'Api-Key ...'.
$script:PrismAuthorization = 'Api-Key contract-test-key'

function Get-ContractRepoRoot { $script:RepoRoot }

function Get-ContractRequestLogDirectory {
    <#
        Where the main Pester pass persisted the emulators' request logs: $env:BASETEN_CONTRACT_REQUEST_LOG
        (set by tests/Invoke-PesterSuite.ps1) or out/test-results/requests.
    #>
    if (-not [string]::IsNullOrWhiteSpace($env:BASETEN_CONTRACT_REQUEST_LOG)) {
        return [System.IO.Path]::GetFullPath($env:BASETEN_CONTRACT_REQUEST_LOG)
    }
    Join-Path $script:RepoRoot 'out/test-results/requests'
}

function Get-ContractPrerequisite {
    <#
        What the contract tests need: ../shared/spec/baseten-openapi.json (beside the repo), node, and Prism in
        tools/prism/node_modules. SkipReason is $null when all are there, else says what is missing and how to
        get it.
    #>
    $specPath = [System.IO.Path]::GetFullPath((Join-Path $script:RepoRoot '../shared/spec/baseten-openapi.json'))
    $examplePath = [System.IO.Path]::GetFullPath((Join-Path $script:RepoRoot '../shared/spec/create-an-environment.md'))
    $node = Get-Command -Name node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $prismDir = Join-Path $script:RepoRoot 'tools/prism/node_modules'
    $prismBin = Join-Path $prismDir '.bin/prism'
    if ($IsWindows) { $prismBin += '.cmd' }
    $prismScript = Join-Path $prismDir '@stoplight/prism-cli/dist/index.js'

    $missing = [System.Collections.Generic.List[string]]::new()
    if (-not (Test-Path -LiteralPath $specPath -PathType Leaf)) { $missing.Add("the published OpenAPI document ($specPath; CI has it in ../shared/spec)") }
    if (-not $node) { $missing.Add('node (Node.js is not on PATH)') }
    if (-not (Test-Path -LiteralPath $prismBin) -or -not (Test-Path -LiteralPath $prismScript -PathType Leaf)) {
        $missing.Add("Prism ($prismBin; install it with: npm ci --prefix tools/prism, which build.ps1 -Task Test does when node is there)")
    }

    [pscustomobject]@{
        SpecPath    = $specPath
        ExamplePath = $examplePath
        NodePath    = if ($node) { $node.Source } else { $null }
        PrismScript = $prismScript
        SkipReason  = if ($missing.Count) { 'contract tests need ' + ($missing -join ' and ') + '; not available here' } else { $null }
    }
}

function Get-ApiPathShape {
    <# /v1/models/abc123/environments/staging -> /v1/models/{}/environments/{}: collections and ids alternate after /v1. #>
    param([Parameter(Mandatory)][string]$Path)
    $segments = $Path.Trim('/').Split('/')
    if ($segments.Count -eq 0 -or $segments[0] -ne 'v1') { return $Path }
    for ($i = 2; $i -lt $segments.Count; $i += 2) { $segments[$i] = '{}' }
    '/' + ($segments -join '/')
}

function Read-ContractRequestLog {
    <#
        Reads every requests-*.jsonl under -Directory (written by the emulators of the main Pester pass, see
        EmulatorOptions.RequestLogDirectory) and returns what the contract check needs:
          DirectoryExists, FileCount, LineCount, BadLines (lines that are not JSON),
          ModuleBodyCount (requests made by the module, with a body, POST/PATCH/PUT),
          Cases (one per unique method + path shape + body: Method, Path, Query, Body, ContentType, Shape, Seen, Title).
    #>
    param([Parameter(Mandatory)][string]$Directory)
    $result = [ordered]@{
        Directory = $Directory; DirectoryExists = (Test-Path -LiteralPath $Directory -PathType Container)
        FileCount = 0; LineCount = 0; BadLines = 0; ModuleBodyCount = 0; Cases = @()
    }
    if (-not $result.DirectoryExists) { return [pscustomobject]$result }

    $unique = [ordered]@{}
    foreach ($file in @(Get-ChildItem -LiteralPath $Directory -Filter 'requests-*.jsonl' -File | Sort-Object Name)) {
        $result.FileCount++
        foreach ($line in [System.IO.File]::ReadAllLines($file.FullName)) {
            if ([string]::IsNullOrWhiteSpace($line)) { continue }
            $result.LineCount++
            try { $entry = ConvertFrom-Json -InputObject $line -ErrorAction Stop }
            catch { $result.BadLines++; continue }

            if (-not ([string]$entry.UserAgent).StartsWith('Baseten.PowerShell/', [StringComparison]::Ordinal)) { continue }
            if ([string]::IsNullOrEmpty([string]$entry.Body)) { continue }
            if ($entry.Method -notin 'POST', 'PATCH', 'PUT') { continue }
            $result.ModuleBodyCount++

            $shape = Get-ApiPathShape $entry.Path
            $key = "$($entry.Method) $shape`n$($entry.Body)"
            if ($unique.Contains($key)) { $unique[$key].Seen++; continue }
            $unique[$key] = @{
                Method      = [string]$entry.Method
                Path        = [string]$entry.Path
                Query       = [string]$entry.Query
                Body        = [string]$entry.Body
                ContentType = [string]$entry.ContentType
                Shape       = $shape
                Seen        = 1
            }
        }
    }

    $n = 0
    $result.Cases = @(foreach ($case in $unique.Values) {
            $n++
            $short = if ($case.Body.Length -gt 110) { $case.Body.Substring(0, 107) + '...' } else { $case.Body }
            $case.Title = '#{0} {1} {2} {3}' -f $n, $case.Method, $case.Shape, $short
            $case
        })
    [pscustomobject]$result
}

function New-ContractSpec {
    <#
        Writes the copy of the published document that Prism serves: identical except that its top-level
        security also accepts an apiKey 'Authorization' header (the 'Api-Key <key>' scheme the module sends and
        the BearerAuth description says is accepted). Edited as a JSON tree, so nothing else changes.
    #>
    param([Parameter(Mandatory)][string]$SpecPath, [Parameter(Mandatory)][string]$Destination)
    $doc = [System.Text.Json.Nodes.JsonNode]::Parse([System.IO.File]::ReadAllText($SpecPath))
    $schemes = $doc['components']['securitySchemes']
    $schemes['ApiKeyAuth'] = [System.Text.Json.Nodes.JsonNode]::Parse(
        '{"type": "apiKey", "in": "header", "name": "Authorization", "description": "Authorization: Api-Key <api_key> (contract-test copy)"}')
    $doc['security'] = [System.Text.Json.Nodes.JsonNode]::Parse('[{"BearerAuth": []}, {"ApiKeyAuth": []}]')
    $null = New-Item -ItemType Directory -Path (Split-Path -Parent $Destination) -Force
    [System.IO.File]::WriteAllText($Destination, $doc.ToJsonString(), [System.Text.UTF8Encoding]::new($false))
    $Destination
}

function Get-FreeLoopbackPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-PrismServer {
    <#
        Starts 'prism mock <spec>' (or 'prism proxy <spec> <upstream>' with -Upstream) with --errors on
        127.0.0.1 and a free port, its output in <LogDirectory>/prism-<name>.log. Does not wait: see Wait-PrismServer.
    #>
    param(
        [Parameter(Mandatory)]$Prerequisite,
        [Parameter(Mandatory)][string]$SpecPath,
        [Parameter(Mandatory)][string]$LogDirectory,
        [Parameter(Mandatory)][string]$Name,
        [string]$Upstream
    )
    $port = Get-FreeLoopbackPort
    $mode = if ($Upstream) { 'proxy' } else { 'mock' }
    $quoted = { param($s) '"' + $s + '"' }
    $arguments = @((& $quoted $Prerequisite.PrismScript), $mode, (& $quoted $SpecPath))
    if ($Upstream) { $arguments += & $quoted $Upstream.TrimEnd('/') }
    $arguments += '-h', '127.0.0.1', '-p', $port, '--errors'
    $null = New-Item -ItemType Directory -Path $LogDirectory -Force
    $out = Join-Path $LogDirectory "prism-$Name.log"
    $err = Join-Path $LogDirectory "prism-$Name.err.log"
    $previous = $env:SCARF_ANALYTICS
    $env:SCARF_ANALYTICS = 'false'
    try {
        $process = Start-Process -FilePath $Prerequisite.NodePath -ArgumentList ($arguments -join ' ') -PassThru -NoNewWindow `
            -RedirectStandardOutput $out -RedirectStandardError $err
    }
    finally { $env:SCARF_ANALYTICS = $previous }
    [pscustomobject]@{
        Name = $Name; Mode = $mode; Process = $process; Port = $port; BaseUri = "http://127.0.0.1:$port"
        OutLog = $out; ErrLog = $err; Started = [DateTime]::UtcNow; Ready = $false
    }
}

function Wait-PrismServer {
    <# Polls until Prism accepts connections; throws with the end of its log when it exits or -TimeoutSec passes. #>
    param([Parameter(Mandatory)]$Server, [int]$TimeoutSec = 90)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    while ($true) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try {
            if ($client.ConnectAsync('127.0.0.1', $Server.Port).Wait(500) -and $client.Connected) {
                $Server.Ready = $true
                return [math]::Round(([DateTime]::UtcNow - $Server.Started).TotalSeconds, 1)
            }
        }
        catch { }
        finally { $client.Dispose() }

        $why = if ($Server.Process.HasExited) { "exited with code $($Server.Process.ExitCode)" }
        elseif ($clock.Elapsed.TotalSeconds -ge $TimeoutSec) { "did not listen within $TimeoutSec s" }
        if ($why) {
            $tail = @($Server.OutLog, $Server.ErrLog | Where-Object { Test-Path -LiteralPath $_ } |
                    ForEach-Object { Get-Content -LiteralPath $_ -Tail 15 }) -join "`n"
            throw "Prism ($($Server.Mode), port $($Server.Port)) $why. End of its log:`n$tail"
        }
        Start-Sleep -Milliseconds 250
    }
}

function Stop-PrismServer {
    <# Kills Prism and its child processes. Never throws. #>
    param($Server)
    if (-not $Server -or -not $Server.Process) { return }
    try {
        if (-not $Server.Process.HasExited) {
            $Server.Process.Kill($true)
            $null = $Server.Process.WaitForExit(10000)
        }
    }
    catch { }
}

function Invoke-PrismRequest {
    <#
        Sends one request to Prism and returns Status, Text (the answer body), Violations (Prism's problem+json
        'validation' items as "location: message" lines) and HeaderViolations (the sl-violations header, which
        Prism sets for violations that are only warnings).
    #>
    param(
        [Parameter(Mandatory)][string]$BaseUri,
        [Parameter(Mandatory)][string]$Method,
        [Parameter(Mandatory)][string]$Path,
        [string]$Query,
        [string]$Body,
        [string]$ContentType = 'application/json',
        [string]$Authorization = $script:PrismAuthorization
    )
    $uri = $BaseUri.TrimEnd('/') + $Path + $(if ($Query) { "?$Query" } else { '' })
    $request = @{
        Method = $Method; Uri = $uri; SkipHttpErrorCheck = $true; TimeoutSec = 60
        Headers = @{}
    }
    if ($Authorization) { $request.Headers.Authorization = $Authorization }
    if ($Body) {
        # Bytes, so the body goes out exactly as logged.
        $request.Body = [System.Text.Encoding]::UTF8.GetBytes($Body)
        $request.ContentType = if ($ContentType) { $ContentType } else { 'application/json' }
    }
    $response = Invoke-WebRequest @request
    $text = if ($response.RawContentStream) { [System.Text.Encoding]::UTF8.GetString($response.RawContentStream.ToArray()) } else { [string]$response.Content }
    $violations = @()
    try {
        $problem = ConvertFrom-Json -InputObject $text -ErrorAction Stop
        if ($problem -and $problem.PSObject.Properties['validation']) {
            $violations = @($problem.validation | ForEach-Object { '{0}: {1}' -f ($_.location -join '.'), $_.message })
        }
    }
    catch { }
    $headerViolations = @()
    if ($response.Headers.ContainsKey('sl-violations')) {
        $headerViolations = @($response.Headers['sl-violations'] | ForEach-Object {
                try { ConvertFrom-Json -InputObject $_ -ErrorAction Stop | ForEach-Object { '{0} {1}: {2}' -f $_.severity, ($_.location -join '.'), $_.message } }
                catch { $_ }
            })
    }
    [pscustomobject]@{
        Status           = [int]$response.StatusCode
        Text             = $text
        Violations       = $violations
        HeaderViolations = $headerViolations
    }
}

function Format-PrismAnswer {
    <# One readable block for a failure message. #>
    param([Parameter(Mandatory)]$Answer)
    $lines = @("Prism answered $($Answer.Status).")
    if ($Answer.Violations) { $lines += 'Violations:'; $lines += @($Answer.Violations | ForEach-Object { "  $_" }) }
    if ($Answer.HeaderViolations) { $lines += 'sl-violations:'; $lines += @($Answer.HeaderViolations | ForEach-Object { "  $_" }) }
    if (-not $Answer.Violations -and -not $Answer.HeaderViolations) {
        $lines += 'Body: ' + $(if ($Answer.Text.Length -gt 600) { $Answer.Text.Substring(0, 600) + '...' } else { $Answer.Text })
    }
    $lines -join "`n"
}

function Get-DocumentedCreateBody {
    <# The example request body of create-an-environment.md (its curl sample's --data), as text; $null if absent. #>
    param([Parameter(Mandatory)][string]$Path)
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { return $null }
    $text = [System.IO.File]::ReadAllText($Path)
    $match = [regex]::Match($text, "--data '(?<json>\{[\s\S]*?\})'")
    if ($match.Success) { $match.Groups['json'].Value } else { $null }
}

function ConvertTo-ContractCanonicalJson {
    <# JSON with object keys sorted (ordinal) and no whitespace, nulls kept, numbers as written: equal text means deep-equal values. #>
    param([Parameter(Mandatory)][string]$Json)
    function Format-Element([System.Text.Json.JsonElement]$Element) {
        switch ($Element.ValueKind) {
            'Object' {
                $members = @($Element.EnumerateObject() | Sort-Object -Property Name -Culture ([cultureinfo]::InvariantCulture) -CaseSensitive |
                        ForEach-Object { [System.Text.Json.JsonSerializer]::Serialize($_.Name, [string]) + ':' + (Format-Element $_.Value) })
                return '{' + ($members -join ',') + '}'
            }
            'Array' { return '[' + (@($Element.EnumerateArray() | ForEach-Object { Format-Element $_ }) -join ',') + ']' }
            'String' { return [System.Text.Json.JsonSerializer]::Serialize($Element.GetString(), [string]) }
            default { return $Element.GetRawText() }
        }
    }
    $document = [System.Text.Json.JsonDocument]::Parse($Json)
    try { Format-Element $document.RootElement } finally { $document.Dispose() }
}

Export-ModuleMember -Function Get-ContractRepoRoot, Get-ContractRequestLogDirectory, Get-ContractPrerequisite, Get-ApiPathShape,
    Read-ContractRequestLog, New-ContractSpec, Start-PrismServer, Wait-PrismServer, Stop-PrismServer, Invoke-PrismRequest,
    Format-PrismAnswer, Get-DocumentedCreateBody, ConvertTo-ContractCanonicalJson
