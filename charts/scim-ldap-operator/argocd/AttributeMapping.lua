-- Argo CD health of an AttributeMapping, from its Valid condition.
-- Healthy: it loads. Degraded: it does not (the message names the field and position). Progressing: not seen
-- yet, or its LdapConnector does not exist yet (Argo CD may sync the mapping first).
local hs = { status = "Progressing", message = "Waiting for the operator to reconcile this generation" }
if obj.status == nil or obj.status.observedGeneration ~= obj.metadata.generation then
  return hs
end
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Valid" then
      hs.message = condition.message
      if condition.status == "True" then
        hs.status = "Healthy"
      elseif condition.reason == "InvalidMapping" then
        hs.status = "Degraded"
      end
    end
  end
end
return hs
