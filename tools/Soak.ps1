<#
.SYNOPSIS
    Soaks the built module against the local emulator and writes the figures to out/soak/results.md.
.DESCRIPTION
    Run by `build.ps1 -Task Soak` against the built module in out/Baseten, in one fresh process with the
    emulator in it. Three parts, each a set of checks; the script exits 1 when any check fails.
    1. Faults, each kind by name: every transient fault the module retries (429 asking to wait in its body,
       in a Retry-After header of seconds or of a date; bursts of 503 and 502; 504; 408; connection resets
       before and in the middle of an answer; a POST whose answer is lost; a 502 on a POST) under the
       operation it would really hit: creating an environment with a new name (or getting one). Each must
       end well, with exactly one environment of that name afterwards and exactly one create processed by
       the API (nothing duplicated, nothing lost). Every bad answer (a gateway's HTML page, malformed JSON,
       an empty body, JSON of the wrong shape, a huge body, a hang) must end as a clear error of the module
       (its ErrorId), never a crash, and the next call must work.
    2. $SequentialCalls sequential Get-BasetenEnvironment calls in this process: the managed heap (after a
       full GC), the working set, threads and open file descriptors every $SampleEvery calls. Memory is
       flat when the managed heap grows by less than $MaxGrowthPercent % and less than $MaxGrowthMB MB
       from the warm-up (the 2nd sample) to the last one.
    3. $ParallelCalls calls over $Runspaces parallel runspaces (ForEach-Object -Parallel, each importing
       the module by path) against the emulator limiting the key to $RateLimitPerSecond requests a second:
       every call must complete, the limit must have refused some requests (which the module absorbed by
       retrying), and the process must have used one pool of at most $Runspaces connections.
#>
[CmdletBinding()]
param(
    [int] $SequentialCalls = 10000,
    [int] $ParallelCalls = 1000,
    [int] $Runspaces = 8,
    [int] $RateLimitPerSecond = 300,
    [int] $SampleEvery = 1000,
    [double] $MaxGrowthPercent = 10,
    [double] $MaxGrowthMB = 4
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = Split-Path $PSScriptRoot -Parent
$moduleFolder = Join-Path $root 'out/Baseten'
$manifest = Join-Path $moduleFolder 'Baseten.psd1'
if (-not (Test-Path -LiteralPath $manifest)) { throw "The module is not built ($moduleFolder). Run: dotnet pwsh -NoProfile -File build.ps1 -Task Build" }
$outFolder = Join-Path $root 'out/soak'
$null = New-Item -ItemType Directory -Force -Path $outFolder

Import-Module $manifest
Add-Type -Path (Join-Path $moduleFolder 'Baseten.Emulator.dll')

$failures = [Collections.Generic.List[string]]::new()
$checkCount = 0
function Assert-Check([string] $Name, [bool] $Passed, [string] $Detail) {
    $script:checkCount++
    if (-not $Passed) { $script:failures.Add("${Name}: $Detail") }
    $Passed
}

function Format-MB([double] $Bytes) { '{0:N1} MB' -f ($Bytes / 1MB) }
function Format-SignedMB([double] $Bytes) { '{0}{1:N2} MB' -f $(if ($Bytes -ge 0) { '+' } else { '-' }), ([Math]::Abs($Bytes) / 1MB) }
function Get-Percent([double] $Part, [double] $Whole) { if ($Whole) { 100 * $Part / $Whole } else { 0 } }

# The ErrorId of an error record: the part of FullyQualifiedErrorId before the command's name.
function Get-ErrorId($Record) { ($Record.FullyQualifiedErrorId -split ',')[0] }

# A clear error is one the module reports: its exception is one of the HTTP core's BasetenExceptions. Anything else
# that reaches the caller (a NullReferenceException, a JsonException, an HttpRequestException...) is a crash.
function Test-ModuleError($Record) {
    for ($type = $Record.Exception.GetType(); $type; $type = $type.BaseType) {
        if ($type.FullName -eq 'Baseten.Core.Http.BasetenException') { return $true }
    }
    $false
}

# Sockets to or from the emulator's port, from /proc/net/tcp and /proc/net/tcp6 (Linux): one object per socket, with
# the side (Client: remote port = the emulator's; Server: local port = the emulator's), the state and the ephemeral port.
function Get-EmulatorSockets([int] $Port) {
    $states = @{ '01' = 'ESTABLISHED'; '02' = 'SYN_SENT'; '03' = 'SYN_RECV'; '04' = 'FIN_WAIT1'; '05' = 'FIN_WAIT2'; '06' = 'TIME_WAIT'
        '07' = 'CLOSE'; '08' = 'CLOSE_WAIT'; '09' = 'LAST_ACK'; '0A' = 'LISTEN'; '0B' = 'CLOSING' }
    foreach ($table in '/proc/net/tcp', '/proc/net/tcp6') {
        if (-not (Test-Path -LiteralPath $table)) { continue }
        foreach ($line in (Get-Content -LiteralPath $table | Select-Object -Skip 1)) {
            $cols = $line.Trim() -split '\s+'
            if ($cols.Count -lt 4) { continue }
            $localPort = [Convert]::ToInt32(($cols[1] -split ':')[-1], 16)
            $remotePort = [Convert]::ToInt32(($cols[2] -split ':')[-1], 16)
            $state = if ($states.ContainsKey($cols[3])) { $states[$cols[3]] } else { $cols[3] }
            if ($remotePort -eq $Port) { [pscustomobject]@{ Side = 'Client'; State = $state; EphemeralPort = $localPort } }
            elseif ($localPort -eq $Port -and $state -ne 'LISTEN') { [pscustomobject]@{ Side = 'Server'; State = $state; EphemeralPort = $remotePort } }
        }
    }
}

function Get-MemorySample([int] $Calls, [double] $CallMs) {
    $managed = [GC]::GetTotalMemory($true)
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $fds = @(Get-ChildItem -LiteralPath '/proc/self/fd' -ErrorAction SilentlyContinue).Count
    [pscustomobject]@{
        Calls = $Calls; Managed = $managed; WorkingSet = $process.WorkingSet64; Threads = $process.Threads.Count
        Fds = $fds; MsPerCall = $CallMs
    }
}

$emulator = [Baseten.Emulator.BasetenEmulator]::Start()
$key = ConvertTo-SecureString $emulator.ApiKey -AsPlainText -Force
$started = [Diagnostics.Stopwatch]::StartNew()
try {
    $model = $emulator.AddModel('soak-model')
    $modelId = $model.Id
    $createPath = "/v1/models/$modelId/environments"
    $target = 'soak-target'
    $targetPath = "$createPath/$target"
    $null = Connect-Baseten -ApiKey $key -BaseUri $emulator.BaseUri -RetryDelaySec 0.05
    $null = New-BasetenEnvironment -ModelId $modelId -Name $target

    # ---------------------------------------------------------------------------------------------- 1. Faults
    Write-Host '==> Soak 1/3: faults, each kind by name'
    $plain429 = '{"error": "Rate limit exceeded. Please try again later."}'   # no retry_after: only the header speaks
    $inPost = @{ Method = 'POST'; Path = '/v1/models/*/environments' }
    $inGet = @{ Method = 'GET'; Path = '/v1/models/*/environments/*' }
    $inList = @{ Method = 'GET'; Path = '/v1/models/*/environments' }
    $always = [int]::MaxValue
    # Transient: Op Create (a new environment each time) or Get; MinSeconds = the wait the API asked for, which must be honoured.
    $transient = @(
        @{ Name = '429, retry_after in the body'; Injected = 'Status 429 retry_after=1, x2'; Op = 'Create'; Times = 2; MinSeconds = 2
            Spec = $inPost + @{ Kind = 'Status'; StatusCode = 429; RetryAfterBody = 1; Times = 2 } }
        @{ Name = '429, Retry-After seconds'; Injected = 'Status 429 Retry-After: 1, x2'; Op = 'Create'; Times = 2; MinSeconds = 2
            Spec = $inPost + @{ Kind = 'Status'; StatusCode = 429; Body = $plain429; RetryAfterHeader = '1'; Times = 2 } }
        @{ Name = '429, Retry-After date'; Injected = 'Status 429 Retry-After: <now + 2 s as an HTTP date>, x1'; Op = 'Create'; Times = 1; MinSeconds = 0.9
            Spec = $inPost + @{ Kind = 'Status'; StatusCode = 429; Body = $plain429; Times = 1 }; DateHeaderSeconds = 2 }
        @{ Name = '503 burst'; Injected = 'Status 503, x3'; Op = 'Create'; Times = 3
            Spec = $inPost + @{ Kind = 'Status'; StatusCode = 503; Times = 3 } }
        @{ Name = '502 burst on GET'; Injected = 'Status 502, x3'; Op = 'Get'; Times = 3
            Spec = $inGet + @{ Kind = 'Status'; StatusCode = 502; Times = 3 } }
        @{ Name = '504'; Injected = 'Status 504, x1'; Op = 'Create'; Times = 1
            Spec = $inPost + @{ Kind = 'Status'; StatusCode = 504; Times = 1 } }
        @{ Name = '408'; Injected = 'Status 408, x1'; Op = 'Create'; Times = 1
            Spec = $inPost + @{ Kind = 'Status'; StatusCode = 408; Times = 1 } }
        @{ Name = 'ResetBeforeResponse'; Injected = 'ResetBeforeResponse, x1'; Op = 'Create'; Times = 1
            Spec = $inPost + @{ Kind = 'ResetBeforeResponse'; Times = 1 } }
        @{ Name = 'ResetMidResponse'; Injected = 'ResetMidResponse, x1'; Op = 'Create'; Times = 1
            Spec = $inPost + @{ Kind = 'ResetMidResponse'; Times = 1 } }
        @{ Name = 'LoseResponse on POST'; Injected = 'LoseResponse (created, then reset), x1'; Op = 'Create'; Times = 1
            Spec = $inPost + @{ Kind = 'LoseResponse'; Times = 1 } }
        @{ Name = '502 on POST'; Injected = 'Status 502, x1'; Op = 'Create'; Times = 1
            Spec = $inPost + @{ Kind = 'Status'; StatusCode = 502; Times = 1 } }
    )
    # Bad answers, on every attempt: each must end as the module's error with this ErrorId.
    $badAnswers = @(
        @{ Name = 'Html'; Injected = 'Html (502 gateway page), every attempt'; Op = 'Get'; Expect = 'ApiUnavailable'
            Spec = $inGet + @{ Kind = 'Html'; Times = $always } }
        @{ Name = 'MalformedJson'; Injected = 'MalformedJson (200), every attempt'; Op = 'Get'; Expect = 'InvalidApiResponse'
            Spec = $inGet + @{ Kind = 'MalformedJson'; Times = $always } }
        @{ Name = 'EmptyBody'; Injected = 'EmptyBody (200), every attempt'; Op = 'Get'; Expect = 'InvalidApiResponse'
            Spec = $inGet + @{ Kind = 'EmptyBody'; Times = $always } }
        @{ Name = 'WrongShape (get one)'; Injected = 'WrongShape (200 {"unexpected": true}), every attempt'; Op = 'Get'; Expect = 'InvalidApiResponse'
            Spec = $inGet + @{ Kind = 'WrongShape'; Times = $always } }
        @{ Name = 'WrongShape (list)'; Injected = 'WrongShape (200 {"unexpected": true}), every attempt'; Op = 'List'; Expect = 'InvalidApiResponse'
            Spec = $inList + @{ Kind = 'WrongShape'; Times = $always } }
        @{ Name = 'HugeBody'; Injected = 'HugeBody (200, 20 MiB chunked), every attempt'; Op = 'Get'; Expect = 'InvalidApiResponse'
            Spec = $inGet + @{ Kind = 'HugeBody'; Times = $always } }
        @{ Name = 'Hang'; Injected = 'Hang, every attempt; -TimeoutSec 1'; Op = 'Get'; Expect = 'RequestTimedOut'; TimeoutSec = 1
            Spec = $inGet + @{ Kind = 'Hang'; Times = $always } }
    )

    # Runs one operation under the faults injected; returns the outcome and what the emulator saw.
    function Invoke-UnderFault($Case) {
        $emulator.ClearFaults()
        $emulator.ClearRequests()
        $spec = @{} + $Case.Spec
        if ($Case.ContainsKey('DateHeaderSeconds')) {
            $spec.RetryAfterHeader = [DateTimeOffset]::UtcNow.AddSeconds($Case.DateHeaderSeconds).ToString('r', [Globalization.CultureInfo]::InvariantCulture)
        }
        $emulator.InjectFault([Baseten.Emulator.FaultSpec]$spec)
        $name = if ($Case.Op -eq 'Create') { 'soak-' + [guid]::NewGuid().ToString('N').Substring(0, 12) } else { $target }
        $opPath = switch ($Case.Op) { 'Create' { $createPath } 'Get' { $targetPath } 'List' { $createPath } }
        $opMethod = if ($Case.Op -eq 'Create') { 'POST' } else { 'GET' }
        $extra = @{}
        if ($Case.ContainsKey('TimeoutSec')) { $extra.TimeoutSec = $Case.TimeoutSec }
        $result = $null; $errorRecord = $null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        try {
            $result = switch ($Case.Op) {
                'Create' { New-BasetenEnvironment -ModelId $modelId -Name $name -ErrorAction Stop @extra }
                'Get' { Get-BasetenEnvironment -ModelId $modelId -Name $name -ErrorAction Stop @extra }
                'List' { @(Get-BasetenEnvironment -ModelId $modelId -ErrorAction Stop @extra) }
            }
        }
        catch { $errorRecord = $_ }
        $seconds = $clock.Elapsed.TotalSeconds
        $emulator.ClearFaults()
        $log = @($emulator.Requests)
        $attempts = @($log | Where-Object { $_.Method -eq $opMethod -and $_.Path -eq $opPath }).Count
        $readBacks = if ($Case.Op -eq 'Create') { @($log | Where-Object { $_.Method -eq 'GET' -and $_.Path -eq "$createPath/$name" }).Count } else { 0 }
        # Only Delay and LoseResponse let a request reach the API (ResetMidResponse logs the status it began to send).
        $processed = @($log | Where-Object {
                $_.Method -eq 'POST' -and $_.Path -eq $createPath -and $_.StatusCode -ge 200 -and $_.StatusCode -le 299 -and
                ([string]::IsNullOrEmpty($_.Fault) -or $_.Fault -in 'Delay', 'LoseResponse') }).Count
        $fired = @($log | Where-Object { -not [string]::IsNullOrEmpty($_.Fault) }).Count
        $named = if ($Case.Op -eq 'Create') { @(Get-BasetenEnvironment -ModelId $modelId | Where-Object Name -EQ $name).Count } else { $null }
        [pscustomobject]@{
            Name = $name; Result = $result; Error = $errorRecord; Seconds = $seconds; Attempts = $attempts; ReadBacks = $readBacks
            Processed = $processed; Fired = $fired; Named = $named; OpText = "$opMethod $($opPath -replace [regex]::Escape($modelId), '{model}' -replace 'soak-[0-9a-f]{12}$', '{new name}')"
        }
    }

    $transientRows = foreach ($case in $transient) {
        $r = Invoke-UnderFault $case
        $ok = $null -eq $r.Error
        $outcome = if ($ok) { 'ok' } elseif (Test-ModuleError $r.Error) { "error: $(Get-ErrorId $r.Error)" } else { "crash: $($r.Error.Exception.GetType().FullName)" }
        $problems = @()
        if (-not $ok) { $problems += "failed: $($r.Error.Exception.Message)" }
        elseif (-not $r.Result -or $r.Result.Name -ne $r.Name) { $problems += 'returned no environment of that name' }
        if ($r.Fired -ne $case.Times) { $problems += "the fault fired $($r.Fired) times, not $($case.Times)" }
        if ($case.Op -eq 'Create') {
            if ($r.Named -ne 1) { $problems += "$($r.Named) environments named so afterwards" }
            if ($r.Processed -ne 1) { $problems += "$($r.Processed) creates processed" }
        }
        if ($case.ContainsKey('MinSeconds') -and $r.Seconds -lt $case.MinSeconds) { $problems += ('took {0:N2} s, less than the {1} s the API asked to wait' -f $r.Seconds, $case.MinSeconds) }
        $passed = Assert-Check "Fault $($case.Name)" (-not $problems) ($problems -join '; ')
        [pscustomobject]@{
            Fault = $case.Name; Injected = $case.Injected; Operation = $r.OpText; Outcome = $outcome
            Attempts = $r.Attempts; ReadBacks = $(if ($case.Op -eq 'Create') { $r.ReadBacks } else { '-' })
            Processed = $(if ($case.Op -eq 'Create') { $r.Processed } else { '-' }); Named = $(if ($case.Op -eq 'Create') { $r.Named } else { '-' })
            Seconds = $r.Seconds; Check = $(if ($passed) { 'pass' } else { 'FAIL: ' + ($problems -join '; ') })
        }
    }

    $badRows = foreach ($case in $badAnswers) {
        $r = Invoke-UnderFault $case
        $problems = @()
        if ($null -eq $r.Error) {
            $shown = @($r.Result)[0]
            $what = if ($null -eq $shown) { 'nothing' } else { "an object of type $($shown.GetType().Name) whose Name is $(if ($null -eq $shown.Name) { 'null' } else { "'$($shown.Name)'" })" }
            $outcome = "no error: returned $what"
            $problems += "accepted the bad answer and returned $what"
        }
        elseif (Test-ModuleError $r.Error) {
            $id = Get-ErrorId $r.Error
            $outcome = "clear error: $id"
            if ($id -ne $case.Expect) { $problems += "ErrorId $id, expected $($case.Expect)" }
        }
        else {
            $outcome = "crash: $($r.Error.Exception.GetType().FullName)"
            $problems += "$($r.Error.Exception.GetType().FullName): $($r.Error.Exception.Message)"
        }
        if ($r.Fired -lt 1) { $problems += 'the fault never fired' }
        try { $null = Get-BasetenEnvironment -ModelId $modelId -Name $target -ErrorAction Stop; $next = 'ok' }
        catch { $next = "failed: $(Get-ErrorId $_)"; $problems += "the next call failed: $($_.Exception.Message)" }
        $passed = Assert-Check "Bad answer $($case.Name)" (-not $problems) ($problems -join '; ')
        [pscustomobject]@{
            Fault = $case.Name; Injected = $case.Injected; Operation = $r.OpText; Outcome = $outcome; Expected = $case.Expect
            Attempts = $r.Attempts; Seconds = $r.Seconds; Next = $next; Check = $(if ($passed) { 'pass' } else { 'FAIL: ' + ($problems -join '; ') })
        }
    }

    # ------------------------------------------------------------------------------------ 2. Sequential, memory
    Write-Host "==> Soak 2/3: $SequentialCalls sequential calls"
    $emulator.ClearFaults()
    $emulator.ClearRequests()
    foreach ($i in 1..50) { $null = Get-BasetenEnvironment -ModelId $modelId -Name $target }   # JIT and the pool, before the baseline
    $emulator.ClearRequests()
    $samples = [Collections.Generic.List[object]]::new()
    $samples.Add((Get-MemorySample 0 ([double]::NaN)))
    $callTime = [TimeSpan]::Zero
    $done = 0
    $sequentialErrors = 0
    while ($done -lt $SequentialCalls) {
        $batch = [Math]::Min($SampleEvery, $SequentialCalls - $done)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        for ($i = 0; $i -lt $batch; $i++) {
            try { $null = Get-BasetenEnvironment -ModelId $modelId -Name $target -ErrorAction Stop }
            catch { $sequentialErrors++ }
        }
        $clock.Stop()
        $callTime += $clock.Elapsed
        $done += $batch
        $emulator.ClearRequests()   # the request log keeps at most 10,000 entries; keep it out of the figures
        $samples.Add((Get-MemorySample $done ($clock.Elapsed.TotalMilliseconds / $batch)))
    }
    $perCallMs = $callTime.TotalMilliseconds / $SequentialCalls
    $first = $samples[1]
    $last = $samples[$samples.Count - 1]
    $warm = if ($samples.Count -gt 2) { $samples[2] } else { $first }
    $growthFirst = $last.Managed - $first.Managed
    $growthWarm = $last.Managed - $warm.Managed
    $growthWarmPercent = Get-Percent $growthWarm $warm.Managed
    $wsGrowthWarm = $last.WorkingSet - $warm.WorkingSet
    # Least-squares slope of the managed heap over the samples from the warm-up on: bytes per call.
    $fit = @($samples | Where-Object Calls -GE $warm.Calls)
    $slope = 0.0
    if ($fit.Count -ge 2) {
        $mx = ($fit | Measure-Object Calls -Average).Average
        $my = ($fit | Measure-Object Managed -Average).Average
        $num = 0.0; $den = 0.0
        foreach ($s in $fit) { $num += ($s.Calls - $mx) * ($s.Managed - $my); $den += [Math]::Pow($s.Calls - $mx, 2) }
        if ($den) { $slope = $num / $den }
    }
    $flat = $growthWarmPercent -lt $MaxGrowthPercent -and $growthWarm -lt $MaxGrowthMB * 1MB
    $verdict = if ($flat) { 'flat' } else { 'growing' }
    $null = Assert-Check 'Sequential calls' ($sequentialErrors -eq 0) "$sequentialErrors of $SequentialCalls calls failed"
    $null = Assert-Check 'Memory' $flat ('managed heap grew by {0} ({1:N1} %) after the warm-up; the limit is {2} % and {3} MB' -f (Format-SignedMB $growthWarm), $growthWarmPercent, $MaxGrowthPercent, $MaxGrowthMB)

    # ------------------------------------------------------------------------------------------- 3. Parallel
    Write-Host "==> Soak 3/3: $ParallelCalls calls over $Runspaces runspaces, rate limit $RateLimitPerSecond/s"
    $null = Connect-Baseten -ApiKey $key -BaseUri $emulator.BaseUri -MaxRetry 10 -RetryDelaySec 0.01 -MaxRetryTimeSec 60
    $emulator.ClearRequests()
    $port = $emulator.BaseUri.Port
    $socketsBefore = @(Get-EmulatorSockets $port)
    $emulator.SetRateLimit($RateLimitPerSecond)
    $throttledBefore = $emulator.ThrottledCount
    $requestsBefore = $emulator.RequestCount
    $shares = @(foreach ($r in 0..($Runspaces - 1)) { [int][Math]::Floor($ParallelCalls / $Runspaces) + [int]($r -lt ($ParallelCalls % $Runspaces)) })
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $perRunspace = @(0..($Runspaces - 1) | ForEach-Object -ThrottleLimit $Runspaces -Parallel {
            $ErrorActionPreference = 'Stop'
            Import-Module $using:manifest
            $mine = ($using:shares)[$_]
            $completed = 0; $failed = 0; $errors = @{}
            $clock = [Diagnostics.Stopwatch]::StartNew()
            for ($i = 0; $i -lt $mine; $i++) {
                try {
                    $environment = Get-BasetenEnvironment -ModelId $using:modelId -Name $using:target -ErrorAction Stop
                    if ($environment.Name -eq $using:target) { $completed++ } else { $failed++; $errors['wrong answer'] += 1 }
                }
                catch { $failed++; $errors[$_.FullyQualifiedErrorId] += 1 }
            }
            [pscustomobject]@{
                Runspace = $_; Runspace_Id = [runspace]::DefaultRunspace.Id; Calls = $mine; Completed = $completed; Failed = $failed
                Errors = ($errors.GetEnumerator() | ForEach-Object { "$($_.Key) x$($_.Value)" }) -join ', '; Seconds = $clock.Elapsed.TotalSeconds
            }
        })
    $parallelSeconds = $clock.Elapsed.TotalSeconds
    $throttled = $emulator.ThrottledCount - $throttledBefore
    $received = $emulator.RequestCount - $requestsBefore
    $emulator.SetRateLimit(0)
    $socketsAfter = @(Get-EmulatorSockets $port)
    $completedTotal = ($perRunspace | Measure-Object Completed -Sum).Sum
    $failedTotal = ($perRunspace | Measure-Object Failed -Sum).Sum
    $clientEstablished = @($socketsAfter | Where-Object { $_.Side -eq 'Client' -and $_.State -eq 'ESTABLISHED' }).Count
    $clientEstablishedBefore = @($socketsBefore | Where-Object { $_.Side -eq 'Client' -and $_.State -eq 'ESTABLISHED' }).Count
    $portsBefore = @($socketsBefore | ForEach-Object EphemeralPort | Sort-Object -Unique)
    $opened = @($socketsAfter | ForEach-Object EphemeralPort | Sort-Object -Unique | Where-Object { $_ -notin $portsBefore }).Count
    $byState = ($socketsAfter | Where-Object Side -EQ 'Client' | Group-Object State | Sort-Object Name | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', '
    $errorsText = (@($perRunspace | Where-Object Errors | ForEach-Object { "runspace $($_.Runspace): $($_.Errors)" }) -join '; ')
    $null = Assert-Check 'Parallel calls' ($completedTotal -eq $ParallelCalls -and $failedTotal -eq 0) "$completedTotal completed, $failedTotal failed of $ParallelCalls ($errorsText)"
    $null = Assert-Check 'Rate limit hit' ($throttled -gt 0) "the emulator throttled no request at $RateLimitPerSecond/s: the run did not test throttling (lower -RateLimitPerSecond)"
    # The emulator's HttpListener (the managed one of Linux and macOS) closes a keep-alive connection after about
    # 100 requests, so a pool also opens one connection per ~100 requests besides the ones it grows by.
    $openedAllowed = $Runspaces + [int][Math]::Ceiling($received / 100)
    $null = Assert-Check 'One pool' ($clientEstablished -le $Runspaces -and $opened -le $openedAllowed) `
        "$clientEstablished connections established to the emulator after the run (at most $Runspaces expected), $opened opened during it (at most $openedAllowed expected)"
}
finally {
    $emulator.Dispose()
}

# ---------------------------------------------------------------------------------------------------- Report
function Get-Cell([object] $Value) { ([string]$Value).Replace('|', '\|').Replace("`n", ' ') }
$cpu = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
$machine = '{0}; {1} cores; {2}; PowerShell {3}; .NET {4}' -f $cpu, [Environment]::ProcessorCount,
    [System.Runtime.InteropServices.RuntimeInformation]::OSDescription, $PSVersionTable.PSVersion, [Environment]::Version
$passedCount = $checkCount - $failures.Count
$lines = [Collections.Generic.List[string]]::new()
$lines.Add("# Soak ($(Get-Date -Format 'yyyy-MM-dd'))")
$lines.Add('')
$lines.Add("Machine: $machine")
$lines.Add('')
$lines.Add($(if ($failures.Count) { "**$($failures.Count) of $checkCount checks failed** (listed at the end). Total time {0:N0} s." -f $started.Elapsed.TotalSeconds }
        else { "All $checkCount checks passed. Total time {0:N0} s." -f $started.Elapsed.TotalSeconds }))
$lines.Add('')
$lines.Add('## 1. Faults survived, each kind by name')
$lines.Add('')
$lines.Add('One process, the module and the emulator in it; session `Connect-Baseten -RetryDelaySec 0.05` (otherwise the defaults: 3 retries, 60 s of waits at most). ' +
    'Each create uses a new environment name. Attempts: requests of the operation the emulator received; read-backs: the GETs by which ' +
    'the module checked whether a create whose answer was lost had taken effect; creates processed: POSTs that reached the API.')
$lines.Add('')
$lines.Add('| Fault | Injected | Operation | Outcome | Attempts | Read-backs | Creates processed | Environments with that name after | Time | Check |')
$lines.Add('|---|---|---|---|---|---|---|---|---|---|')
foreach ($r in $transientRows) {
    $lines.Add(('| {0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} | {8:N2} s | {9} |' -f (Get-Cell $r.Fault), (Get-Cell $r.Injected), $r.Operation, (Get-Cell $r.Outcome),
            $r.Attempts, $r.ReadBacks, $r.Processed, $r.Named, $r.Seconds, (Get-Cell $r.Check)))
}
$lines.Add('')
$lines.Add('Bad answers, on every attempt: each must end as a clear error of the module (its ErrorId), never a crash, and the next call must work.')
$lines.Add('')
$lines.Add('| Fault | Injected | Operation | Outcome | Expected | Attempts | Time | Next call | Check |')
$lines.Add('|---|---|---|---|---|---|---|---|---|')
foreach ($r in $badRows) {
    $lines.Add(('| {0} | {1} | {2} | {3} | {4} | {5} | {6:N2} s | {7} | {8} |' -f (Get-Cell $r.Fault), (Get-Cell $r.Injected), $r.Operation, (Get-Cell $r.Outcome),
            $r.Expected, $r.Attempts, $r.Seconds, $r.Next, (Get-Cell $r.Check)))
}
$lines.Add('')
$lines.Add(('## 2. {0:N0} sequential calls, memory' -f $SequentialCalls))
$lines.Add('')
$lines.Add(('`Get-BasetenEnvironment -ModelId $id -Name soak-target` {0:N0} times in one process, after 50 warm-up calls; the emulator''s request log cleared every {1:N0} calls. ' -f $SequentialCalls, $SampleEvery) +
    'Managed heap: `[GC]::GetTotalMemory($true)` (after a full collection; the emulator''s objects included). Sampled between the calls, never timed with them.')
$lines.Add('')
$lines.Add('| Calls | Managed heap | Working set | Threads | Open fds | ms per call (these calls) |')
$lines.Add('|---|---|---|---|---|---|')
foreach ($s in $samples) {
    $ms = if ([double]::IsNaN($s.MsPerCall)) { '-' } else { '{0:N3}' -f $s.MsPerCall }
    $lines.Add(('| {0:N0} | {1} | {2} | {3} | {4} | {5} |' -f $s.Calls, (Format-MB $s.Managed), (Format-MB $s.WorkingSet), $s.Threads, $s.Fds, $ms))
}
$lines.Add('')
$lines.Add('| Measure | Result |')
$lines.Add('|---|---|')
$lines.Add(('| Calls failed | {0} of {1:N0} |' -f $sequentialErrors, $SequentialCalls))
$lines.Add(('| Mean per call | {0:N3} ms |' -f $perCallMs))
$lines.Add(('| Managed heap, first sample ({0:N0} calls) to last ({1:N0}) | {2} -> {3} ({4}, {5:N1} %) |' -f $first.Calls, $last.Calls, (Format-MB $first.Managed), (Format-MB $last.Managed), (Format-SignedMB $growthFirst), (Get-Percent $growthFirst $first.Managed)))
$lines.Add(('| Managed heap, after the warm-up ({0:N0} calls) to last | {1} -> {2} ({3}, {4:N1} %) |' -f $warm.Calls, (Format-MB $warm.Managed), (Format-MB $last.Managed), (Format-SignedMB $growthWarm), $growthWarmPercent))
$lines.Add(('| Managed heap trend after the warm-up (least squares) | {0:N1} bytes per call |' -f $slope))
$lines.Add(('| Working set, after the warm-up to last | {0} -> {1} ({2}) |' -f (Format-MB $warm.WorkingSet), (Format-MB $last.WorkingSet), (Format-SignedMB $wsGrowthWarm)))
$lines.Add(('| Verdict (flat: managed heap growth after the warm-up < {0} % and < {1} MB) | {2} |' -f $MaxGrowthPercent, $MaxGrowthMB, $verdict))
$lines.Add('')
$lines.Add(('## 3. {0:N0} calls over {1} parallel runspaces, emulator throttling at {2}/s' -f $ParallelCalls, $Runspaces, $RateLimitPerSecond))
$lines.Add('')
$lines.Add(('`ForEach-Object -Parallel -ThrottleLimit {0}`, each block importing out/Baseten/Baseten.psd1 by path and making its share of `Get-BasetenEnvironment` calls; ' -f $Runspaces) +
    ('session `Connect-Baseten -MaxRetry 10 -RetryDelaySec 0.01 -MaxRetryTimeSec 60`; `$emulator.SetRateLimit({0})` (each 429 asks for a wait of at least 1 s).' -f $RateLimitPerSecond))
$lines.Add('')
$lines.Add('| Measure | Result |')
$lines.Add('|---|---|')
$lines.Add(('| Completed / failed | {0:N0} / {1:N0} of {2:N0} |' -f $completedTotal, $failedTotal, $ParallelCalls))
$lines.Add(('| Throttled by the emulator (429s the module absorbed by retrying) | {0:N0} |' -f $throttled))
$lines.Add(('| Requests the emulator received | {0:N0} |' -f $received))
$lines.Add(('| Total time | {0:N2} s ({1:N0} calls per second; the limit allows {2}) |' -f $parallelSeconds, ($ParallelCalls / $parallelSeconds), $RateLimitPerSecond))
$lines.Add(('| Calls per runspace (completed), in {0} distinct runspaces | {1} |' -f @($perRunspace | ForEach-Object Runspace_Id | Sort-Object -Unique).Count,
        (($perRunspace | Sort-Object Runspace | ForEach-Object { $_.Completed }) -join ', ')))
$lines.Add(('| TCP connections to the emulator, established, after the run (before it) | {0} ({1}); at most {2} expected: one pool shared by every runspace |' -f $clientEstablished, $clientEstablishedBefore, $Runspaces))
$lines.Add(('| Client sockets to the emulator after the run, by state | {0} |' -f $(if ($byState) { $byState } else { 'none' })))
$lines.Add(('| Connections opened during the run (new ephemeral ports seen on either side) | {0} ({1:N3} per call; at most {2} expected: {3} for the pool to grow, 1 per 100 requests because the emulator''s HttpListener closes a keep-alive connection after 100) |' -f $opened, ($opened / $ParallelCalls), $openedAllowed, $Runspaces))
$lines.Add('')
if ($failures.Count) {
    $lines.Add('## Failed checks')
    $lines.Add('')
    foreach ($f in $failures) { $lines.Add("- $(Get-Cell $f)") }
    $lines.Add('')
}

$report = Join-Path $outFolder 'results.md'
$lines | Set-Content -Path $report -Encoding utf8
$lines | ForEach-Object { Write-Host $_ }
Write-Host "Written to $report"
if ($failures.Count) {
    [Console]::Error.WriteLine("Soak: $($failures.Count) of $checkCount checks failed.")
    exit 1
}
exit 0
