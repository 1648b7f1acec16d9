#Requires -Version 7.0
# Many runspaces: the module works from ForEach-Object -Parallel and thread jobs, signed in by Connect-Baseten
# (the context is process-wide) or by the environment variables, all sharing one connection pool. Under a rate
# limit, a thousand calls all complete (the throttled ones retried), without one socket per call; creates in
# parallel, through lost answers and 503s, each happen exactly once.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'CmdletTestSupport.psm1') -Force
    Import-BasetenTestModule

    $savedState = Save-BasetenTestState
    Clear-BasetenTestState
    $emu = Start-BasetenTestEmulator
    $model = $emu.AddModel('parallel-model')
    $modelId = $model.Id
    $collection = "/v1/models/$modelId/environments"
    # Each runspace imports the same build by path (a runspace starts without the module).
    $modulePath = Get-BasetenTestModulePath

    # The failures of a batch, as text, for a readable reason when a test fails.
    function Format-Failure($Batches) { (@($Batches | ForEach-Object { $_.Failures }) | Select-Object -First 5) -join '; ' }
}

AfterAll {
    if ($emu) {
        $emu.SetRateLimit(0)
        $emu.Dispose()
    }
    Restore-BasetenTestState $savedState
}

Describe 'ForEach-Object -Parallel' -Tag 'Integration', 'Parallel' {
    BeforeEach {
        $emu.SetRateLimit(0)
        Reset-EmulatorLog $emu -SettleMs 20
        Connect-BasetenRetryTestEmulator $emu -MaxRetry 10
    }
    AfterEach {
        $emu.SetRateLimit(0)
        $emu.ClearFaults()
    }

    It '1,000 Get-BasetenEnvironment calls over 8 runspaces, throttled at 250/s, all complete on one shared connection pool' {
        $emu.SetRateLimit(250)
        $throttledBefore = $emu.ThrottledCount
        $clock = [System.Diagnostics.Stopwatch]::StartNew()

        $batches = @(0..7 | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module -Name $using:modulePath
                $id = $using:modelId
                $context = Get-BasetenContext
                $listed = 0
                $failures = [System.Collections.Generic.List[string]]::new()
                for ($i = 0; $i -lt 125; $i++) {
                    $errs = $null
                    $environments = @(Get-BasetenEnvironment -ModelId $id -ErrorVariable errs -ErrorAction SilentlyContinue)
                    foreach ($e in @($errs)) { $failures.Add("$($e.FullyQualifiedErrorId): $($e.Exception.Message)") }
                    if (-not $errs -and $environments.Name -contains 'production') { $listed++ }
                }
                [pscustomobject]@{
                    Runspace = [runspace]::DefaultRunspace.InstanceId
                    Source   = $context.Source
                    BaseUri  = "$($context.BaseUri)"
                    Listed   = $listed
                    Failures = $failures.ToArray()
                }
            })
        $clock.Stop()
        $throttled = $emu.ThrottledCount - $throttledBefore

        # Spread over 8 runspaces, each of which saw the process-wide Connect-Baseten context.
        $batches.Count | Should -Be 8
        @($batches.Runspace | Select-Object -Unique).Count | Should -Be 8
        $batches.Source | Should -Be @(1..8 | ForEach-Object { 'Session' })
        $batches.BaseUri | Select-Object -Unique | Should -BeExactly $emu.BaseUri.AbsoluteUri

        # All 1,000 completed, none failed, none lost.
        Format-Failure $batches | Should -BeNullOrEmpty
        ($batches | Measure-Object -Property Listed -Sum).Sum | Should -Be 1000

        # The throttling really happened, and every throttled call was retried to success: exactly 1,000
        # successful GETs reached the API, beside the refused ones.
        $throttled | Should -BeGreaterThan 0 -Because 'the emulator''s limit must really have refused requests for this to test anything'
        $log = @(Get-EmulatorRequest $emu -Count (1000 + $throttled) -SettleMs 20)
        @($log | Where-Object StatusCode -EQ 200).Count | Should -Be 1000
        @($log | Where-Object StatusCode -EQ 429).Count | Should -Be $throttled
        $log.Count | Should -Be (1000 + $throttled)

        # One pool for the process, not a socket per call (nor per runspace beyond the pool's few).
        if ($IsLinux) {
            $sockets = @(Get-TcpConnectionToPort -Port $emu.BaseUri.Port | Where-Object State -In 'ESTABLISHED', 'TIME_WAIT')
            $sockets.Count | Should -BeGreaterThan 0 -Because 'the pooled connections to the emulator must be visible in /proc/net/tcp (else this check checks nothing)'
            $sockets.Count | Should -BeLessOrEqual 64 -Because "1,000 calls must reuse pooled connections; found $($sockets.Count) sockets to port $($emu.BaseUri.Port)"
            # Both ends, in case connections were churned by the server closing them (its side keeps the TIME_WAIT then).
            $bothEnds = @(Get-TcpConnectionToPort -Port $emu.BaseUri.Port -BothEnds | Where-Object State -In 'ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT')
            $bothEnds.Count | Should -BeLessOrEqual 128 -Because "found $($bothEnds.Count) sockets at either end of port $($emu.BaseUri.Port)"
        }
        Write-Host ("    1,000 calls in {0:0.0} s over 8 runspaces; {1} throttled (429) and retried; sockets to the emulator afterwards: {2} client side, {3} at either end" -f `
                $clock.Elapsed.TotalSeconds, $throttled, $(if ($IsLinux) { $sockets.Count } else { 'n/a' }), $(if ($IsLinux) { $bothEnds.Count } else { 'n/a' }))
    }

    It 'with only BASETEN_API_KEY and BASETEN_API_URL set (no Connect-Baseten), parallel runspaces sign in from the environment' {
        try {
            Clear-BasetenTestState
            $env:BASETEN_API_KEY = $emu.ApiKey
            $env:BASETEN_API_URL = $emu.BaseUri.AbsoluteUri

            $batches = @(0..7 | ForEach-Object -ThrottleLimit 8 -Parallel {
                    Import-Module -Name $using:modulePath
                    $id = $using:modelId
                    $context = Get-BasetenContext
                    $listed = 0
                    $failures = [System.Collections.Generic.List[string]]::new()
                    for ($i = 0; $i -lt 25; $i++) {
                        $errs = $null
                        $environments = @(Get-BasetenEnvironment -ModelId $id -ErrorVariable errs -ErrorAction SilentlyContinue)
                        foreach ($e in @($errs)) { $failures.Add("$($e.FullyQualifiedErrorId): $($e.Exception.Message)") }
                        if (-not $errs -and $environments.Name -contains 'production') { $listed++ }
                    }
                    [pscustomobject]@{ Source = $context.Source; BaseUri = "$($context.BaseUri)"; Listed = $listed; Failures = $failures.ToArray() }
                })

            $batches.Count | Should -Be 8
            $batches.Source | Should -Be @(1..8 | ForEach-Object { 'Environment' })
            $batches.BaseUri | Select-Object -Unique | Should -BeExactly $emu.BaseUri.AbsoluteUri
            Format-Failure $batches | Should -BeNullOrEmpty
            ($batches | Measure-Object -Property Listed -Sum).Sum | Should -Be 200
            $log = @(Get-EmulatorRequest $emu -Count 200 -SettleMs 20)
            $log.Count | Should -Be 200
            @($log | Where-Object { $_.StatusCode -eq 200 -and $_.AuthorizationScheme -eq 'Api-Key' }).Count | Should -Be 200
        }
        finally {
            Clear-BasetenTestState
        }
    }

    It 'New-BasetenEnvironment in parallel with 40 distinct names, through a rate limit, lost answers and 503s: each created exactly once' {
        $createModel = $emu.AddModel('parallel-create-model')
        $createModelId = $createModel.Id
        $createCollection = "/v1/models/$createModelId/environments"
        $names = @(1..40 | ForEach-Object { 'par-{0:d2}' -f $_ })
        $emu.SetRateLimit(30)
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = 'POST'; Path = $createCollection; Kind = 'LoseResponse'; EveryNth = 5; Times = [int]::MaxValue })
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = 'POST'; Path = $createCollection; StatusCode = 503; EveryNth = 4; Times = [int]::MaxValue })

        $results = @($names | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module -Name $using:modulePath
                $errs = $null
                $created = New-BasetenEnvironment -ModelId $using:createModelId -Name $_ -ErrorVariable errs -ErrorAction SilentlyContinue
                [pscustomobject]@{
                    Name     = $_
                    Created  = @($created | ForEach-Object Name)
                    Failures = @($errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
                }
            })
        $emu.SetRateLimit(0)
        $emu.ClearFaults()

        # Every call returned its own environment, and none failed.
        $results.Count | Should -Be 40
        Format-Failure $results | Should -BeNullOrEmpty
        foreach ($result in $results) { $result.Created | Should -Be @($result.Name) }

        # The faults really fired.
        $log = @(Get-EmulatorRequest $emu -SettleMs 20 | Where-Object Path -Like "$createCollection*")
        @($log | Where-Object Fault -EQ 'LoseResponse').Count | Should -BeGreaterThan 0
        @($log | Where-Object { $_.Fault -eq 'Status' -and $_.StatusCode -eq 503 }).Count | Should -BeGreaterThan 0

        # Nothing created twice: one processed create per name (lost answers included), and no conflict met.
        $processed = @($log | Where-Object { $_.Method -eq 'POST' -and $_.StatusCode -eq 200 })
        $createdNames = @($processed | ForEach-Object { (ConvertFrom-Json -InputObject $_.Body).name } | Sort-Object)
        $createdNames | Should -Be $names
        @($log | Where-Object StatusCode -EQ 409).Count | Should -Be 0

        # Nothing lost: the model has each environment exactly once.
        $listed = @(Get-BasetenEnvironment -ModelId $createModel.Id -ErrorAction Stop | Where-Object Name -Like 'par-*' | ForEach-Object Name | Sort-Object)
        $listed | Should -Be $names
    }
}

Describe 'Thread jobs (Start-ThreadJob)' -Tag 'Integration', 'Parallel' {
    BeforeEach {
        Reset-EmulatorLog $emu -SettleMs 20
        Connect-BasetenRetryTestEmulator $emu
    }

    It 'four thread jobs create and list with the session''s sign-in, through 429s, and their results come back' {
        $jobModel = $emu.AddModel('thread-job-model')
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{
                Method = 'GET'; Path = "/v1/models/$($jobModel.Id)/environments"; StatusCode = 429
                Body = '{"error": "Rate limit exceeded. Please try again later.", "retry_after": 0.1}'; Times = 4
            })

        $jobs = @(1..4 | ForEach-Object {
                Start-ThreadJob -ArgumentList $modulePath, $jobModel.Id, "job-$_" -ScriptBlock {
                    param($Path, $ModelId, $Name)
                    Import-Module -Name $Path
                    $context = Get-BasetenContext
                    $created = New-BasetenEnvironment -ModelId $ModelId -Name $Name -ErrorAction Stop
                    $listed = @(Get-BasetenEnvironment -ModelId $ModelId -ErrorAction Stop)
                    [pscustomobject]@{ Source = $context.Source; Name = $Name; Created = $created.Name; Listed = @($listed.Name) }
                }
            })
        try {
            $null = $jobs | Wait-Job -Timeout 60
            $jobs.State | Should -Be @('Completed', 'Completed', 'Completed', 'Completed')
            $results = @($jobs | Receive-Job -ErrorVariable jobErrors -ErrorAction SilentlyContinue)
        }
        finally {
            $jobs | Remove-Job -Force
        }

        @($jobErrors).Count | Should -Be 0 -Because (@($jobErrors) -join '; ')
        $results.Count | Should -Be 4
        $results.Source | Should -Be @('Session', 'Session', 'Session', 'Session')
        foreach ($result in $results) {
            $result.Created | Should -BeExactly $result.Name
            $result.Listed | Should -Contain 'production'
            $result.Listed | Should -Contain $result.Name
        }
        $log = @(Get-EmulatorRequest $emu -Count 12 -SettleMs 20)
        @($log | Where-Object StatusCode -EQ 429).Count | Should -Be 4 -Because 'the injected 429s were met and retried'
        @($log | Where-Object { $_.Method -eq 'POST' -and $_.StatusCode -eq 200 }).Count | Should -Be 4
        @(Get-BasetenEnvironment -ModelId $jobModel.Id -ErrorAction Stop | Where-Object Name -Like 'job-*').Count | Should -Be 4
    }
}
