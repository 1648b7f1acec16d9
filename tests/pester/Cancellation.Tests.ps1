#Requires -Version 7.0
# Ctrl+C stops a request in flight and a retry wait within a second. Ctrl+C is PowerShell stopping the pipeline,
# which calls the running cmdlet's StopProcessing: here the pipeline runs in another runspace of this process
# ([powershell]::Create(), so it shares the module's process-wide sign-in and connection pool) and the test calls
# its synchronous Stop(), timed. After a stop nothing more may reach the API (the retry is abandoned, a create is
# not resent) and the module must work on as before.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'CmdletTestSupport.psm1') -Force
    Import-BasetenTestModule

    $savedState = Save-BasetenTestState
    Clear-BasetenTestState
    $emu = Start-BasetenTestEmulator
    $model = $emu.AddModel('cancellation-model')
    $collection = "/v1/models/$($model.Id)/environments"
    $modulePath = Get-BasetenTestModulePath
    $stopTimes = [System.Collections.Generic.List[string]]::new()

    # Starts -ScriptBlock (with -Parameters) in a new runspace of this process, after importing the module there
    # by path, without waiting: { PowerShell; Async }. The caller stops or ends it and disposes the PowerShell.
    function Start-TestPipeline([scriptblock]$ScriptBlock, [hashtable]$Parameters = @{}) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($Path) Import-Module -Name $Path -ErrorAction Stop').AddParameter('Path', $modulePath)
        $null = $ps.AddStatement().AddScript($ScriptBlock.ToString())
        foreach ($key in $Parameters.Keys) { $null = $ps.AddParameter($key, $Parameters[$key]) }
        [pscustomobject]@{ PowerShell = $ps; Async = $ps.BeginInvoke() }
    }

    # The verbose messages the pipeline has written so far.
    function Get-PipelineVerbose($Pipeline) { @($Pipeline.PowerShell.Streams.Verbose | ForEach-Object Message) }

    # Stop(), synchronous as Ctrl+C's is: returns once the pipeline has stopped. Records and returns the milliseconds.
    function Measure-Stop($Pipeline, [string]$What) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $Pipeline.PowerShell.Stop()
        $clock.Stop()
        $stopTimes.Add(('{0,7:0.0} ms  {1}' -f $clock.Elapsed.TotalMilliseconds, $What))
        $clock.Elapsed.TotalMilliseconds
    }

    # Waits until the emulator has logged a request with the fault, i.e. the request is in flight at the API.
    function Wait-FaultedRequest([string]$Fault, [int]$Count = 1) {
        Wait-BasetenTestCondition { @($emu.Requests | Where-Object Fault -EQ $Fault).Count -ge $Count } -TimeoutMs 10000 |
            Should -BeTrue -Because "the request with the $Fault fault must reach the emulator"
    }

    # Waits until the pipeline has written a verbose line matching -Pattern (e.g. it has started a retry wait).
    function Wait-PipelineVerbose($Pipeline, [string]$Pattern) {
        Wait-BasetenTestCondition { @(Get-PipelineVerbose $Pipeline | Where-Object { $_ -match $Pattern }).Count -gt 0 } -TimeoutMs 10000 |
            Should -BeTrue -Because "the pipeline must write a line matching '$Pattern'; it wrote:`n$((Get-PipelineVerbose $Pipeline) -join "`n")"
    }
}

AfterAll {
    if ($stopTimes.Count -gt 0) { Write-Host ("    Stop() times:`n      " + ($stopTimes -join "`n      ")) }
    if ($emu) { $emu.Dispose() }
    Restore-BasetenTestState $savedState
}

Describe 'Ctrl+C (Stop) ends a call within a second' -Tag 'Integration', 'Cancellation' {
    BeforeEach {
        Reset-EmulatorLog $emu -SettleMs 20
        Connect-BasetenRetryTestEmulator $emu
        $pipeline = $null
    }
    AfterEach {
        if ($pipeline) { $pipeline.PowerShell.Dispose() }
        $emu.ClearFaults()
    }

    It 'stops <Cmdlet> waiting on a request that hangs (-TimeoutSec 60), and sends nothing more' -ForEach @(
        @{ Cmdlet = 'Get-BasetenEnvironment'; Method = 'GET' }
        @{ Cmdlet = 'New-BasetenEnvironment'; Method = 'POST' }
    ) {
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = $Method; Path = $collection; Kind = 'Hang'; Times = 5 })
        $parameters = @{ ModelId = $model.Id; TimeoutSec = 60; Verbose = $true }
        if ($Method -eq 'POST') { $parameters.Name = 'stopped-in-flight' }
        $pipeline = Start-TestPipeline { param($Cmdlet, $Arguments) & $Cmdlet @Arguments } @{ Cmdlet = $Cmdlet; Arguments = $parameters }
        Wait-FaultedRequest 'Hang'
        Start-Sleep -Milliseconds 100
        $pipeline.PowerShell.InvocationStateInfo.State | Should -Be 'Running'

        $ms = Measure-Stop $pipeline "$Cmdlet, request in flight (Hang)"

        $ms | Should -BeLessThan 1000
        $pipeline.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        Start-Sleep -Milliseconds 200
        @($emu.Requests).Count | Should -Be 1 -Because 'a stopped call is not retried'
        $emu.Requests[0].Fault | Should -BeExactly 'Hang'
    }

    It 'stops <Cmdlet> in a retry wait (429 asking 30 s), and the retry is abandoned' -ForEach @(
        @{ Cmdlet = 'Get-BasetenEnvironment'; Method = 'GET' }
        @{ Cmdlet = 'New-BasetenEnvironment'; Method = 'POST' }
    ) {
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = $Method; Path = $collection; StatusCode = 429; RetryAfterBody = 30; RetryAfterHeader = '30'; Times = 5 })
        $parameters = @{ ModelId = $model.Id; MaxRetry = 3; Verbose = $true }
        if ($Method -eq 'POST') { $parameters.Name = 'stopped-in-wait' }
        $pipeline = Start-TestPipeline { param($Cmdlet, $Arguments) & $Cmdlet @Arguments } @{ Cmdlet = $Cmdlet; Arguments = $parameters }
        Wait-PipelineVerbose $pipeline "^Retry 1 of 3 for $Method .* after 429 Too Many Requests: waiting 30\.0 s as the API asked\.$"
        Start-Sleep -Milliseconds 100

        $ms = Measure-Stop $pipeline "$Cmdlet, 30 s retry wait (429)"

        $ms | Should -BeLessThan 1000
        $pipeline.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        Start-Sleep -Milliseconds 200
        $emu.Requests | ConvertTo-EmulatorRequestSummary -Replace @{ $collection = '{c}' } | Should -Be @("$Method {c} 429 Status")
    }

    It 'an abandoned retry wait sends nothing later: stopped in a 1 s wait, no retry arrives after it would have' {
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = 'GET'; Path = $collection; StatusCode = 429; RetryAfterBody = 1; Times = 5 })
        $pipeline = Start-TestPipeline { param($ModelId) Get-BasetenEnvironment -ModelId $ModelId -Verbose } @{ ModelId = $model.Id }
        Wait-PipelineVerbose $pipeline '^Retry 1 of 3 for GET .* waiting 1\.0 s as the API asked\.$'

        $ms = Measure-Stop $pipeline 'Get-BasetenEnvironment, 1 s retry wait (429)'

        $ms | Should -BeLessThan 1000
        $pipeline.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $count = $emu.RequestCount
        # The retry was due 1 s after the line; wait past that.
        Start-Sleep -Milliseconds 1300
        $emu.RequestCount | Should -Be $count -Because 'the retry due a second later must not be sent'
        @($emu.Requests).Count | Should -Be 1
    }

    It 'stops a backoff wait (503, -RetryDelaySec 20: a 10-20 s wait) within a second' {
        Connect-BasetenRetryTestEmulator $emu -RetryDelaySec 20
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = 'GET'; Path = $collection; StatusCode = 503; Times = 5 })
        $pipeline = Start-TestPipeline { param($ModelId) Get-BasetenEnvironment -ModelId $ModelId -Verbose } @{ ModelId = $model.Id }
        Wait-PipelineVerbose $pipeline '^Retry 1 of 3 for GET .* after 503 Service Unavailable: waiting (1\d|20)\.\d s\.$'

        $ms = Measure-Stop $pipeline 'Get-BasetenEnvironment, backoff wait (503)'

        $ms | Should -BeLessThan 1000
        $pipeline.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        @($emu.Requests).Count | Should -Be 1
    }

    It 'Stop during New-BasetenEnvironment under a Hang leaves nothing half-done: the runspace and the module work on' {
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = 'POST'; Path = $collection; Kind = 'Hang' })
        $name = 'stopped-create'
        $pipeline = Start-TestPipeline { param($ModelId, $Name) New-BasetenEnvironment -ModelId $ModelId -Name $Name -TimeoutSec 60 } @{ ModelId = $model.Id; Name = $name }
        Wait-FaultedRequest 'Hang'
        Start-Sleep -Milliseconds 100

        $ms = Measure-Stop $pipeline 'New-BasetenEnvironment, request in flight (Hang), then reused'

        $ms | Should -BeLessThan 1000
        $pipeline.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        Start-Sleep -Milliseconds 200
        # No read-back, no resend after the stop: the create was left to the caller, whole.
        $emu.Requests | ConvertTo-EmulatorRequestSummary -Replace @{ $collection = '{c}' } | Should -Be @('POST {c} 0 Hang lost')

        # The same runspace runs the next call.
        $ps = $pipeline.PowerShell
        $ps.Commands.Clear()
        $ps.Streams.ClearStreams()
        $listed = @($ps.AddCommand('Get-BasetenEnvironment').AddParameter('ModelId', $model.Id).Invoke())
        $ps.Streams.Error.Count | Should -Be 0 -Because (@($ps.Streams.Error) -join '; ')
        $listed.Name | Should -Contain 'production'
        $listed.Name | Should -Not -Contain $name

        # And this one creates it, once.
        $created = New-BasetenEnvironment -ModelId $model.Id -Name $name -ErrorAction Stop
        $created.Name | Should -BeExactly $name
        @(Get-BasetenEnvironment -ModelId $model.Id -ErrorAction Stop | Where-Object Name -CEQ $name).Count | Should -Be 1
    }

    It 'stopping one pipeline does not disturb another one''s request through the same connection pool' {
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = 'GET'; Path = "$collection/production"; Kind = 'Delay'; DelayMilliseconds = 800 })
        $emu.InjectFault([Baseten.Emulator.FaultSpec]@{ Method = 'GET'; Path = $collection; Kind = 'Hang' })
        $slow = Start-TestPipeline { param($ModelId) Get-BasetenEnvironment -ModelId $ModelId -Name production } @{ ModelId = $model.Id }
        try {
            $pipeline = Start-TestPipeline { param($ModelId) Get-BasetenEnvironment -ModelId $ModelId -TimeoutSec 60 } @{ ModelId = $model.Id }
            Wait-FaultedRequest 'Hang'
            Wait-BasetenTestCondition { $emu.RequestCount -ge 2 } | Should -BeTrue

            $ms = Measure-Stop $pipeline 'Get-BasetenEnvironment (Hang) beside a slow request in another runspace'

            $ms | Should -BeLessThan 1000
            $pipeline.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
            $result = @($slow.PowerShell.EndInvoke($slow.Async))
            $slow.PowerShell.InvocationStateInfo.State | Should -Be 'Completed'
            $slow.PowerShell.Streams.Error.Count | Should -Be 0 -Because (@($slow.PowerShell.Streams.Error) -join '; ')
            $result.Count | Should -Be 1
            $result[0].Name | Should -BeExactly 'production'
        }
        finally {
            $slow.PowerShell.Dispose()
        }
    }
}
