-- Argo CD health of an LdapConnector, from the conditions the operator writes.
-- Healthy: Ready is True. Degraded: Ready is False for a reason only a change can fix (a mapping that does not
-- load, an expired certificate). Progressing: the operator has not seen this generation yet, or is getting there
-- (Reconciling: a listener rollout still under way while the old replicas serve). A rollout past its deadline is
-- Degraded even while the old replicas serve.
local hs = { status = "Progressing", message = "Waiting for the operator to reconcile this generation" }
if obj.status == nil or obj.status.observedGeneration ~= obj.metadata.generation then
  return hs
end
local ready = nil
local reconciling = nil
local deadline = nil
local terminal = nil
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" then
      ready = condition
    elseif condition.type == "Reconciling" then
      if condition.status == "True" then
        reconciling = condition
      end
    elseif condition.type == "Stalled" then
      if condition.status == "True" and condition.reason == "ProgressDeadlineExceeded" then
        deadline = condition
      end
    elseif condition.status == "False" and (condition.reason == "InvalidMapping" or condition.reason == "Expired") then
      terminal = condition
    end
  end
end
if ready == nil then
  return hs
end
if deadline ~= nil then
  hs.status = "Degraded"
  hs.message = "Stalled: " .. deadline.message
elseif ready.status == "True" and reconciling ~= nil then
  hs.message = "Reconciling: " .. reconciling.message
elseif ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
elseif terminal ~= nil then
  hs.status = "Degraded"
  hs.message = terminal.type .. ": " .. terminal.message
else
  hs.message = ready.message
end
return hs
